import Core
import Foundation
import Learner
import Testing
import _TestSupport

/// KL-Hessian products in single precision (``CurvaturePrecision/float32``) against the exact Double products, which
/// are themselves checked against finite differences in ``MetaGradientTests``.
@Suite struct SinglePrecisionProductTests {
    let policy = PolicyFixture.policy()
    /// A large inner step, so that the Hessian products of the inner loss weigh in J = I − α∇²L_inner.
    let alpha = 0.3

    func objective(_ precision: CurvaturePrecision, threads: Int = 1, seed: UInt64 = 5) -> SurrogateObjective {
        let tasks = PolicyFixture.metaTasks(
            policy: policy, count: 3, preRows: 41, postRows: 29, alpha: alpha,
            seed: seed)
        return SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: alpha, threads: threads,
            blockRows: 16, precision: precision)
    }

    var shifted: [Double] {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 31)
        return zip(policy.parameters, v).map { $0 + 0.05 * $1 }
    }

    /// ‖a − b‖₂ / ‖b‖₂.
    func normwiseError(_ a: [Double], _ b: [Double]) -> Double {
        let difference = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (difference / b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    }

    @Test func metaProductAgreesWithTheDoubleProductToSinglePrecision() {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 13)
        let single = objective(.float32), double = objective(.float64)
        let a = single.linearize(at: shifted), b = double.linearize(at: shifted)
        // values are the Double ones bit for bit; the gradient's J_iᵀ-product carries single-precision rounding
        #expect(a.surrogate == b.surrogate && a.kl == b.kl)
        #expect(normwiseError(a.gradient, b.gradient) < 2e-6)
        let fast = single.klHessianProduct(v), exact = double.klHessianProduct(v)
        let error = normwiseError(fast, exact)
        #expect(error < 2e-6, "float32 JᵀFJ product, relative error \(error)")
        #expect(fast != exact, "the float32 product should carry single-precision rounding")
    }

    @Test func innerHessianAndFisherProductsAgreeWithDouble() {
        var rng = SplitMix64(seed: 17)
        let pre = PolicyFixture.metaTasks(policy: policy, count: 1, preRows: 70, postRows: 10, alpha: alpha)[0].pre
        let post = PolicyFixture.postSamples(policy: policy, theta: policy.parameters, rows: 50, using: &rng)
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 19)
        var products: [CurvaturePrecision: ([Double], [Double])] = [:]
        for precision in CurvaturePrecision.allCases {
            let inner = InnerLoss(layout: policy.layout, samples: pre, blockRows: 16, precision: precision)
            let fisher = PostUpdateLoss(layout: policy.layout, samples: post, blockRows: 16, precision: precision)
            _ = inner.valueAndGradient(at: shifted)
            _ = fisher.gradients(at: shifted)
            products[precision] = (inner.hessianProduct(v), fisher.fisherProduct(v))
        }
        let (innerSingle, fisherSingle) = products[.float32]!, (innerDouble, fisherDouble) = products[.float64]!
        #expect(normwiseError(innerSingle, innerDouble) < 2e-6)
        #expect(normwiseError(fisherSingle, fisherDouble) < 2e-6)
        #expect(innerSingle != innerDouble && fisherSingle != fisherDouble)
    }

    @Test func singlePrecisionProductsAreBitIdenticalForAnyThreadCount() {
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 23)
        let outputs = [1, 2, 3].map { threads -> [Double] in
            let objective = objective(.float32, threads: threads)
            _ = objective.linearize(at: shifted)
            return objective.klHessianProduct(v)
        }
        #expect(outputs[0] == outputs[1] && outputs[0] == outputs[2])
    }

    @Test func reloadedSinglePrecisionObjectiveEqualsAFreshOne() {
        // the single-precision caches are refilled on reload: a larger batch, then a smaller one
        let v = PolicyFixture.direction(count: policy.layout.parameterCount, seed: 29)
        let reused = objective(.float32)
        for (pre, post, seed) in [(60, 45, UInt64(8)), (41, 29, 9)] {
            let tasks = PolicyFixture.metaTasks(
                policy: policy, count: 3, preRows: pre, postRows: post, alpha: alpha,
                seed: seed)
            reused.update(tasks: tasks)
            let fresh = SurrogateObjective(
                layout: policy.layout, tasks: tasks, innerStepSize: alpha, blockRows: 16,
                precision: .float32)
            _ = reused.linearize(at: shifted)
            _ = fresh.linearize(at: shifted)
            #expect(reused.klHessianProduct(v) == fresh.klHessianProduct(v))
        }
    }

    @Test func trpoStepWithSinglePrecisionProductsRespectsTheBound() {
        let tasks = PolicyFixture.metaTasks(policy: policy, count: 4, preRows: 300, postRows: 250, alpha: 0.1, seed: 12)
        let objective = SurrogateObjective(
            layout: policy.layout, tasks: tasks, innerStepSize: 0.1, blockRows: 64,
            precision: .float32)
        var theta = policy.parameters
        let result = TRPO.step(objective, parameters: &theta, config: TRPOConfig(maxKL: 0.01))
        #expect(result.accepted && result.kl <= 0.01 && result.kl > 1e-4 && result.improvement > 0)
        let (surrogate, kl) = objective.evaluate(at: theta)
        #expect(surrogate == result.surrogateAfter && kl == result.kl)
    }

    @Test func configurationsWrittenBeforeTheSettingKeepDoubleProducts() throws {
        #expect(TRPOConfig().curvaturePrecision == .float32)
        var tree = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(TRPOConfig()))
                as? [String: Any])
        #expect(tree["curvaturePrecision"] as? String == "float32" && tree["productPrecision"] == nil)
        tree["curvaturePrecision"] = nil
        let old = try JSONDecoder().decode(TRPOConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(old.curvaturePrecision == .float64)
        #expect(old.maxKL == 0.01 && old.cgIterations == 10 && old.maxBacktracks == 15)
        // configurations written while the setting was called productPrecision keep their value
        tree["productPrecision"] = "float32"
        let renamed = try JSONDecoder().decode(TRPOConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(renamed.curvaturePrecision == .float32)
    }
}
