import Foundation
import Sim
import Testing

// Physical facts of the six MJCF models in Assets/xml, written out from the original rllab / MB-MPO files
// (MuJoCo 1.x syntax). Masses that the original derives from geoms ("inertiafromgeom") are worked out by hand:
// a capsule of radius r and length L between its end points weighs ρ·π·r²·(L + 4r/3), a sphere ρ·4/3·π·r³,
// a cylinder of half-height h ρ·π·r²·2h; ρ is the geom density (MuJoCo's default 1000 unless stated).
// Angles given in degrees in the originals are converted with π/180.

/// Path of a file in the model folder <repo>/Assets/xml; the repository root is three levels above this file.
private func modelPath(_ file: String, testFile: String = #filePath) -> String {
    URL(fileURLWithPath: testFile)
        .deletingLastPathComponent()  // Tests/SimTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("Assets/xml/\(file)").path
}

/// |a − b| within 1e-12 of the larger magnitude (or absolute 1e-12 near zero): the literals below carry 16 digits.
private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(a), abs(b)) }

struct LimitedJoint: Sendable {
    let name: String
    let lower: Double, upper: Double
}

struct Motor: Sendable {
    let joint: String
    let gear: Double
    let lower: Double, upper: Double
}

/// One model's facts as the original file defines them.
struct ModelFacts: Sendable, CustomTestStringConvertible {
    let file: String
    let nq: Int, nv: Int, nu: Int
    let timestep: Double
    /// 0 Euler, 1 RK4.
    let integrator: Int
    let gravity: [Double]
    let viscosity: Double, density: Double
    /// Every body in order, world first (unnamed bodies have "").
    let bodies: [(name: String, mass: Double)]
    let totalMass: Double
    /// Every joint in order.
    let joints: [String]
    let limited: [LimitedJoint]
    let motors: [Motor]

    var testDescription: String { file }

    static let all: [ModelFacts] = [halfCheetah, ant, hopper, walker2d, swimmer, pr2]

    static let halfCheetah = ModelFacts(
        file: "half_cheetah.xml", nq: 9, nv: 9, nu: 6,
        timestep: 0.01,  // original <option timestep="0.01">
        integrator: 0,  // original sets none: Euler
        gravity: [0, 0, -9.81],  // original <option gravity="0 0 -9.81">
        viscosity: 0, density: 0,
        // inertiafromgeom: eight capsules of radius 0.046 with lengths torso 1.0 (fromto -.5 0 0 .5 0 0),
        // head 0.3 (half-length .15), bthigh 0.29, bshin 0.3, bfoot 0.188, fthigh 0.266, fshin 0.212, ffoot 0.14
        // (twice the size[1] half-lengths); settotalmass="14" rescales, so body i weighs
        // 14·(ΣL_i + n_i·4/3·0.046) / (2.696 + 8·4/3·0.046).
        bodies: [
            ("world", 0),
            ("torso", 6.25020920502092),  // torso + head: 14·(1.3 + 2·0.0613̄) / 3.1866̄
            ("bthigh", 1.5435146443514645),  // 14·(0.29 + 0.0613̄) / 3.1866̄
            ("bshin", 1.5874476987447699),  // 14·(0.3 + 0.0613̄) / 3.1866̄
            ("bfoot", 1.095397489539749),  // 14·(0.188 + 0.0613̄) / 3.1866̄
            ("fthigh", 1.4380753138075315),  // 14·(0.266 + 0.0613̄) / 3.1866̄
            ("fshin", 1.200836820083682),  // 14·(0.212 + 0.0613̄) / 3.1866̄
            ("ffoot", 0.8845188284518829),  // 14·(0.14 + 0.0613̄) / 3.1866̄
        ],
        totalMass: 14,  // compiler settotalmass="14"
        joints: ["rootx", "rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"],
        limited: [  // original joint range="…" (radians; compiler angle="radian")
            LimitedJoint(name: "bthigh", lower: -0.52, upper: 1.05),
            LimitedJoint(name: "bshin", lower: -0.785, upper: 0.785),
            LimitedJoint(name: "bfoot", lower: -0.4, upper: 0.785),
            LimitedJoint(name: "fthigh", lower: -1, upper: 0.7),
            LimitedJoint(name: "fshin", lower: -1.2, upper: 0.87),
            LimitedJoint(name: "ffoot", lower: -0.5, upper: 0.5),
        ],
        motors: [  // original <motor gear=…>, default ctrlrange="-1 1"
            Motor(joint: "bthigh", gear: 120, lower: -1, upper: 1),
            Motor(joint: "bshin", gear: 90, lower: -1, upper: 1),
            Motor(joint: "bfoot", gear: 60, lower: -1, upper: 1),
            Motor(joint: "fthigh", gear: 120, lower: -1, upper: 1),
            Motor(joint: "fshin", gear: 60, lower: -1, upper: 1),
            Motor(joint: "ffoot", gear: 30, lower: -1, upper: 1),
        ])

    // Ant: geom default density 5.0; leg capsules have radius 0.08 and run 0.2·√2 (upper two) or 0.4·√2 (lower).
    private static let antHip = 0.03915775372846671  // capsule r 0.08, L √0.08, ρ 5: 5·π·0.0064·(0.28284… + 0.10666…)
    private static let antLower = 0.06759220453268025  // capsule r 0.08, L √0.32, ρ 5: 5·π·0.0064·(0.56568… + 0.10666…)
    private static let antHipRange = 0.5235987755982988  // 30°
    private static let antAnkleFar = 1.2217304763960306  // 70°

    static let ant = ModelFacts(
        file: "ant.xml", nq: 15, nv: 14, nu: 8,
        timestep: 0.01,  // original <option timestep="0.01">
        integrator: 1,  // original integrator="RK4"
        gravity: [0, 0, -9.81],  // MuJoCo default (original sets none)
        viscosity: 0, density: 0,
        bodies: [
            ("world", 0),
            ("torso", 0.3272492347489368),  // sphere r 0.25, ρ 5: 5·4/3·π·0.25³
            ("front_left_leg", antHip), ("aux_1", antHip), ("", antLower),
            ("front_right_leg", antHip), ("aux_2", antHip), ("", antLower),
            ("back_leg", antHip), ("aux_3", antHip), ("", antLower),
            ("right_back_leg", antHip), ("aux_4", antHip), ("", antLower),
        ],
        totalMass: 0.9108800827073914,  // sphere + 8 upper + 4 lower capsules
        joints: ["root", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3", "hip_4", "ankle_4"],
        limited: [  // original ranges in degrees: hips ±30, ankles 30…70 or -70…-30
            LimitedJoint(name: "hip_1", lower: -antHipRange, upper: antHipRange),
            LimitedJoint(name: "ankle_1", lower: antHipRange, upper: antAnkleFar),
            LimitedJoint(name: "hip_2", lower: -antHipRange, upper: antHipRange),
            LimitedJoint(name: "ankle_2", lower: -antAnkleFar, upper: -antHipRange),
            LimitedJoint(name: "hip_3", lower: -antHipRange, upper: antHipRange),
            LimitedJoint(name: "ankle_3", lower: -antAnkleFar, upper: -antHipRange),
            LimitedJoint(name: "hip_4", lower: -antHipRange, upper: antHipRange),
            LimitedJoint(name: "ankle_4", lower: antHipRange, upper: antAnkleFar),
        ],
        motors: ["hip_4", "ankle_4", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3"].map {
            Motor(joint: $0, gear: 150, lower: -1, upper: 1)  // original: gear="150" ctrlrange="-1.0 1.0", this order
        })

    // Hopper and Walker2d: capsules at the default density 1000; lengths from the global fromto end points.
    private static let legTorso = 3.6651914291880923  // capsule r 0.05 from z 1.45 to 1.05 (L 0.4)
    private static let legThigh = 4.057890510886817  // capsule r 0.05 from z 1.05 to 0.6 (L 0.45)
    private static let legLeg = 2.7813566959781637  // capsule r 0.04 from z 0.6 to 0.1 (L 0.5)
    private static let legFlexRange = 2.6179938779914944  // 150°
    private static let footRange = 0.7853981633974483  // 45°

    static let hopper = ModelFacts(
        file: "hopper.xml", nq: 6, nv: 6, nu: 3,
        timestep: 0.002,  // paper-submission setting (frame skip 4, dt 0.008), as in the original file
        integrator: 1,  // original integrator="RK4"
        gravity: [0, 0, -9.81], viscosity: 0, density: 0,
        bodies: [
            ("world", 0), ("torso", legTorso), ("thigh", legThigh), ("leg", legLeg),
            ("foot", 5.315574769873929),  // capsule r 0.06 from x -0.13 to 0.26 (L 0.39)
        ],
        totalMass: 15.820013405927003,
        joints: ["rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint"],
        limited: [  // original ranges in degrees: -150…0, -150…0, -45…45
            LimitedJoint(name: "thigh_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "leg_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "foot_joint", lower: -footRange, upper: footRange),
        ],
        motors: ["thigh_joint", "leg_joint", "foot_joint"].map {
            Motor(joint: $0, gear: 200, lower: -1, upper: 1)  // original gear="200.0" ctrlrange="-1.0 1.0"
        })

    private static let walkerFoot = 3.1667253948185112  // capsule r 0.06 from x 0 to 0.2 (L 0.2)

    static let walker2d = ModelFacts(
        file: "walker2d.xml", nq: 9, nv: 9, nu: 6,
        timestep: 0.002,  // paper-submission setting (frame skip 4, dt 0.008), as in the original file
        integrator: 1,  // original integrator="RK4"
        gravity: [0, 0, -9.81], viscosity: 0, density: 0,
        bodies: [
            ("world", 0), ("torso", legTorso), ("thigh", legThigh), ("leg", legLeg), ("foot", walkerFoot),
            ("thigh_left", legThigh), ("leg_left", legLeg), ("foot_left", walkerFoot),
        ],
        totalMass: 23.677136632555076,
        joints: [
            "rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint",
            "thigh_left_joint", "leg_left_joint", "foot_left_joint",
        ],
        limited: [  // original ranges in degrees: -150…0, -150…0, -45…45 on both legs
            LimitedJoint(name: "thigh_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "leg_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "foot_joint", lower: -footRange, upper: footRange),
            LimitedJoint(name: "thigh_left_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "leg_left_joint", lower: -legFlexRange, upper: 0),
            LimitedJoint(name: "foot_left_joint", lower: -footRange, upper: footRange),
        ],
        motors: ["thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint", "leg_left_joint", "foot_left_joint"]
            .map { Motor(joint: $0, gear: 100, lower: -1, upper: 1) })  // original gear="100" ctrlrange="-1.0 1.0"

    private static let swimmerLink = 35.604716740684324  // capsule r 0.1, L 1, ρ 1000: 1000·π·0.01·(1 + 0.1333…)

    static let swimmer = ModelFacts(
        file: "swimmer.xml", nq: 5, nv: 5, nu: 2,
        timestep: 0.01,  // original <option timestep="0.01">
        integrator: 1,  // original integrator="RK4"
        gravity: [0, 0, -9.81],
        viscosity: 0.1, density: 4000,  // original <option viscosity="0.1" density="4000">
        bodies: [("world", 0), ("torso", swimmerLink), ("mid", swimmerLink), ("back", swimmerLink)],
        totalMass: 106.81415022205297,  // 3 links
        joints: ["slider1", "slider2", "rot", "rot2", "rot3"],
        limited: [  // original range="-100 100" degrees
            LimitedJoint(name: "rot2", lower: -1.7453292519943295, upper: 1.7453292519943295),
            LimitedJoint(name: "rot3", lower: -1.7453292519943295, upper: 1.7453292519943295),
        ],
        motors: ["rot2", "rot3"].map { Motor(joint: $0, gear: 150, lower: -1, upper: 1) })  // gear="150.0"

    static let pr2 = ModelFacts(
        file: "pr2.xml", nq: 10, nv: 10, nu: 7,
        timestep: 0.05,  // original <option timestep="0.05">
        integrator: 0,  // original sets none: Euler
        gravity: [0, 0, 0],  // original gravity="0 0 0"
        viscosity: 0, density: 0,
        bodies: pr2Inertials.map { ($0.name, $0.mass) },
        totalMass: 235.29726049372312,  // sum of the list
        joints: [
            "l_shoulder_pan_joint", "l_shoulder_lift_joint", "l_upper_arm_roll_joint", "l_elbow_flex_joint",
            "l_forearm_roll_joint", "l_wrist_flex_joint", "l_wrist_roll_joint",
            "target_x", "target_y", "target_z",
        ],
        limited: [  // original range="…" (radians); forearm/wrist roll and the target slides are unlimited
            LimitedJoint(name: "l_shoulder_pan_joint", lower: -0.714602, upper: 2.285398),
            LimitedJoint(name: "l_shoulder_lift_joint", lower: -0.5236, upper: 1.3963),
            LimitedJoint(name: "l_upper_arm_roll_joint", lower: -0.8, upper: 3.9),
            LimitedJoint(name: "l_elbow_flex_joint", lower: -2.3213, upper: 0),
            LimitedJoint(name: "l_wrist_flex_joint", lower: -2.094, upper: 0),
        ],
        motors: [
            "l_shoulder_pan_joint", "l_shoulder_lift_joint", "l_upper_arm_roll_joint", "l_elbow_flex_joint",
            "l_forearm_roll_joint", "l_wrist_flex_joint", "l_wrist_roll_joint",
        ]
        .map { Motor(joint: $0, gear: 1, lower: -3, upper: 3) })  // original ctrlrange="-3.0 3.0", default gear

    /// PR2 bodies in order with mass and principal inertia: the original <inertial mass=… diaginertia=…>, except
    /// "sensor" and "target", which have none and get theirs from their geom.
    static let pr2Inertials: [(name: String, mass: Double, inertia: [Double])] = [
        ("world", 0, [0, 0, 0]),
        ("base_footprint", 1, [0.01, 0.01, 0.01]),
        ("base_link", 116, [6.293885, 5.669245, 3.041772]),
        ("torso_lift_link", 36.248046, [2.783075, 2.510450, 0.514581]),
        ("l_shoulder_pan_link", 25.799322, [0.934201, 0.837701, 0.242033]),
        ("l_shoulder_lift_link", 2.74988, [0.026187, 0.020730, 0.015168]),
        ("l_upper_arm_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("l_upper_arm_link", 6.01769, [0.076070, 0.074882, 0.015107]),
        ("l_elbow_flex_link", 1.90327, [0.004419, 0.003965, 0.003090]),
        ("l_forearm_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("l_forearm_link", 2.57968, [0.016633, 0.015078, 0.003609]),
        ("l_wrist_flex_link", 0.61402, [0.000653, 0.000643, 0.000198]),
        ("l_wrist_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("l_gripper_palm_link", 0.58007, [0.000866, 0.000678, 0.000351]),
        // no <inertial>: cylinder r 0.022, half-height 0.019, ρ 1000: π·0.022²·0.038·1000; its inertia
        // m(3r² + (2h)²)/12 about the two cross axes and m·r²/2 about its own axis
        ("sensor", 0.057780172084823465, [1.3944281529804061e-05, 1.3944281529804061e-05, 1.3982801644527275e-05]),
        ("l_gripper_led_frame", 0.001, [0, 0, 0]),
        ("l_gripper_motor_accelerometer_link", 0.001, [0.001, 0.001, 0.001]),
        ("l_gripper_tool_frame", 0, [0, 0, 0]),  // no <inertial>, no geom
        ("l_gripper_l_finger_link", 0.17126, [0.000198, 0.000181, 0.000077]),
        ("l_gripper_l_finger_tip_link", 0.04419, [0.000015, 0.000015, 0.000003]),
        ("l_gripper_r_finger_link", 0.17389, [0.000199, 0.000181, 0.000077]),
        ("l_gripper_r_finger_tip_link", 0.04419, [0.000015, 0.000015, 0.000003]),
        ("r_shoulder_pan_link", 25.799322, [0.934201, 0.837701, 0.242033]),
        ("r_shoulder_lift_link", 2.74988, [0.026187, 0.020730, 0.015168]),
        ("r_upper_arm_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("r_upper_arm_link", 6.01769, [0.076138, 0.074931, 0.015133]),
        ("r_elbow_flex_link", 1.90327, [0.004419, 0.003965, 0.003090]),
        ("r_forearm_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("r_forearm_link", 2.57968, [0.016633, 0.015078, 0.003609]),
        ("r_wrist_flex_link", 0.61402, [0.000653, 0.000643, 0.000198]),
        ("r_wrist_roll_link", 0.1, [0.01, 0.01, 0.01]),
        ("r_gripper_palm_link", 0.58007, [0.000866, 0.000678, 0.000351]),
        ("r_gripper_tool_frame", 0.001, [0, 0, 0]),
        ("r_gripper_l_finger_link", 0.17126, [0.000198, 0.000181, 0.000077]),
        ("r_gripper_l_finger_tip_link", 0.04419, [0.000015, 0.000015, 0.000003]),
        ("r_gripper_r_finger_link", 0.17389, [0.000199, 0.000181, 0.000077]),
        ("r_gripper_r_finger_tip_link", 0.04419, [0.000015, 0.000015, 0.000003]),
        // no <inertial>: sphere r 0.02, ρ 1000: 4/3·π·0.02³·1000, inertia 2/5·m·r²
        ("target", 0.03351032163829113, [5.3616514621265808e-06, 5.3616514621265808e-06, 5.3616514621265808e-06]),
    ]
}

@Suite(.serialized) struct ModelFactsTests {
    private func load(_ file: String) throws -> MuJoCoModel { try MuJoCoModel(path: modelPath(file)) }

    @Test(arguments: ModelFacts.all)
    func sizesAndOptions(_ facts: ModelFacts) throws {
        let model = try load(facts.file)
        #expect(model.nq == facts.nq)
        #expect(model.nv == facts.nv)
        #expect(model.nu == facts.nu)
        #expect(model.timestep == facts.timestep)
        #expect(model.integrator == facts.integrator)
        #expect(model.gravity == facts.gravity)
        #expect(model.viscosity == facts.viscosity)
        #expect(model.density == facts.density)
    }

    @Test(arguments: ModelFacts.all)
    func bodiesInOrderWithTheirMasses(_ facts: ModelFacts) throws {
        let model = try load(facts.file)
        try #require(model.nbody == facts.bodies.count)
        for (id, body) in facts.bodies.enumerated() {
            #expect(model.bodyName(id) == body.name, "body \(id)")
            #expect(close(model.bodyMass(id), body.mass), "mass of body \(id) '\(body.name)': \(model.bodyMass(id))")
        }
        #expect(close(model.totalMass, facts.totalMass), "total mass \(model.totalMass)")
    }

    @Test(arguments: ModelFacts.all)
    func jointsInOrderWithTheirRanges(_ facts: ModelFacts) throws {
        let model = try load(facts.file)
        try #require(model.njnt == facts.joints.count)
        #expect((0..<model.njnt).map(model.jointName) == facts.joints)
        let limitedNames = Set(facts.limited.map(\.name))
        for id in 0..<model.njnt {
            #expect(
                model.jointLimited(id) == limitedNames.contains(model.jointName(id)), "joint \(model.jointName(id))")
        }
        for joint in facts.limited {
            let id = try #require(model.jointID(joint.name))
            let range = model.jointRange(id)
            #expect(
                close(range.lowerBound, joint.lower) && close(range.upperBound, joint.upper),
                "\(joint.name): \(range)")
        }
    }

    @Test(arguments: ModelFacts.all)
    func motorsInOrderWithGearsAndControlRanges(_ facts: ModelFacts) throws {
        let model = try load(facts.file)
        try #require(model.nu == facts.motors.count)
        for (id, motor) in facts.motors.enumerated() {
            #expect(model.jointName(model.actuatorJoint(id)) == motor.joint, "actuator \(id)")
            #expect(model.actuatorGear(id) == motor.gear, "gear of actuator \(id)")
            #expect(model.actuatorCtrlLimited(id))
            #expect(model.actuatorCtrlRange(id) == motor.lower...motor.upper, "ctrl range of actuator \(id)")
        }
    }

    @Test func halfCheetahJointSpringsAndDamping() throws {
        let model = try load("half_cheetah.xml")
        // original per-joint stiffness/damping; armature .1 from the joint default, 0 on the root joints
        let expected: [(String, stiffness: Double, damping: Double, armature: Double)] = [
            ("rootx", 0, 0, 0), ("rootz", 0, 0, 0), ("rooty", 0, 0, 0),
            ("bthigh", 240, 6, 0.1), ("bshin", 180, 4.5, 0.1), ("bfoot", 120, 3, 0.1),
            ("fthigh", 180, 4.5, 0.1), ("fshin", 120, 3, 0.1), ("ffoot", 60, 1.5, 0.1),
        ]
        for (name, stiffness, damping, armature) in expected {
            let id = try #require(model.jointID(name))
            #expect(model.jointStiffness(id) == stiffness, "\(name)")
            #expect(model.dofDamping(model.jointDofAddress(id)) == damping, "\(name)")
            #expect(model.dofArmature(model.jointDofAddress(id)) == armature, "\(name)")
        }
        // geom default friction=".4 .1 .1", contype 1 / conaffinity 0; the floor has conaffinity 1
        for name in ["torso", "head", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"] {
            let id = try #require(model.geomID(name))
            #expect(model.geomFriction(id) == [0.4, 0.1, 0.1], "\(name)")
            #expect(model.geomContact(id) == (1, 0), "\(name)")
        }
        #expect(model.geomContact(try #require(model.geomID("floor"))) == (1, 1))
    }

    @Test func antStartsFromItsNumericInitialPose() throws {
        let model = try load("ant.xml")
        // original <numeric name="init_qpos">: torso at height 0.55, unit quaternion, legs 0, 1, 0, -1, 0, -1, 0, 1
        #expect(model.numeric("init_qpos") == [0, 0, 0.55, 1, 0, 0, 0, 0, 1, 0, -1, 0, -1, 0, 1])
        #expect(model.jointType(0) == 0)  // free root joint
        // ankle axes: original axis="-1 1 0" / "1 1 0", normalised
        let half = 0.5.squareRoot()
        #expect(
            model.jointAxis(try #require(model.jointID("ankle_1"))).map { ($0 * 1e15).rounded() }
                == [-half, half, 0].map { ($0 * 1e15).rounded() })
        #expect(
            model.jointAxis(try #require(model.jointID("ankle_2"))).map { ($0 * 1e15).rounded() }
                == [half, half, 0].map { ($0 * 1e15).rounded() })
        // geom default: friction "1 0.5 0.5", margin 0.01, condim 3, contype 1 / conaffinity 0
        let leg = try #require(model.geomID("left_ankle_geom"))
        #expect(model.geomFriction(leg) == [1, 0.5, 0.5])
        #expect(model.geomMargin(leg) == 0.01)
        #expect(model.geomCondim(leg) == 3)
        #expect(model.geomContact(leg) == (1, 0))
        // joint default armature 1, damping 1; the free joint has 0
        let hip = try #require(model.jointID("hip_1"))
        #expect(model.dofDamping(model.jointDofAddress(hip)) == 1 && model.dofArmature(model.jointDofAddress(hip)) == 1)
        #expect((0..<6).allSatisfy { model.dofDamping($0) == 0 && model.dofArmature($0) == 0 })
    }

    @Test(arguments: ["hopper.xml", "walker2d.xml"])
    func planarWalkersStartAtTorsoHeight(_ file: String) throws {
        let model = try load(file)
        // rootz has ref="1.25": qpos0 holds the torso height; everything else starts at 0
        var expected = [Double](repeating: 0, count: model.nq)
        expected[1] = 1.25
        #expect(model.qpos0 == expected)
        // the leg joints turn about -y (original axis="0 -1 0")
        for id in 3..<model.njnt { #expect(model.jointAxis(id) == [0, -1, 0], "\(model.jointName(id))") }
    }

    @Test func hopperContactSettings() throws {
        let model = try load("hopper.xml")
        // geom default condim 1, margin 0.001, contype = conaffinity = 1; friction 0.9 on torso/thigh/leg, 2.0 on foot
        let friction: [(String, Double)] = [
            ("torso_geom", 0.9), ("thigh_geom", 0.9), ("leg_geom", 0.9), ("foot_geom", 2.0),
        ]
        for (name, sliding) in friction {
            let id = try #require(model.geomID(name))
            #expect(model.geomFriction(id)[0] == sliding, "\(name)")
            #expect(model.geomCondim(id) == 1 && model.geomMargin(id) == 0.001, "\(name)")
            #expect(model.geomContact(id) == (1, 1), "\(name)")
        }
        // joint default armature 1, damping 1
        let foot = try #require(model.jointID("foot_joint"))
        #expect(
            model.dofDamping(model.jointDofAddress(foot)) == 1 && model.dofArmature(model.jointDofAddress(foot)) == 1)
    }

    @Test func walkerContactSettings() throws {
        let model = try load("walker2d.xml")
        // geom default condim 3, contype 1 / conaffinity 0; friction 0.9 except the left foot's 1.9
        for id in 1..<model.ngeom {
            #expect(model.geomCondim(id) == 3 && model.geomContact(id) == (1, 0), "\(model.geomName(id))")
            #expect(
                model.geomFriction(id)[0] == (model.geomName(id) == "foot_left_geom" ? 1.9 : 0.9),
                "\(model.geomName(id))")
        }
        // joint default armature 0.01, damping 0.1
        let knee = try #require(model.jointID("leg_left_joint"))
        #expect(
            model.dofDamping(model.jointDofAddress(knee)) == 0.1
                && model.dofArmature(model.jointDofAddress(knee)) == 0.01)
    }

    @Test func swimmerNeverCollides() throws {
        let model = try load("swimmer.xml")
        // original collision="predefined" with no <pair>: no geom pair may ever collide
        #expect(model.npair == 0)
        for id in 0..<model.ngeom { #expect(model.geomContact(id) == (0, 0), "geom \(id)") }
        // joint default armature 0.1, no damping
        #expect((0..<model.nv).allSatisfy { model.dofArmature($0) == 0.1 && model.dofDamping($0) == 0 })
    }

    @Test func pr2InertialsDampingAndContacts() throws {
        let model = try load("pr2.xml")
        for (id, body) in ModelFacts.pr2Inertials.enumerated() {
            let inertia = model.bodyInertia(id)
            #expect(zip(inertia, body.inertia).allSatisfy { close($0, $1) }, "inertia of \(body.name): \(inertia)")
        }
        // original joint damping; armature .005 from the joint default; the target slides have none
        let damping: [Double] = [10, 10, 0.1, 1, 1, 0.1, 0.1, 0, 0, 0]
        let armature: [Double] = [0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0, 0, 0]
        #expect((0..<model.nv).map(model.dofDamping) == damping)
        #expect((0..<model.nv).map(model.dofArmature) == armature)
        // only the left arm moves: its 7 hinges belong to the l_* links
        for id in 0..<7 {
            #expect(model.jointType(id) == 3)
            #expect(model.bodyName(model.jointBody(id)).hasPrefix("l_"), "\(model.jointName(id))")
        }
        // original explicit pairs; the ground has contype 0 / conaffinity 1
        let pairs = Set(
            (0..<model.npair).map { id -> Set<String> in
                let (a, b) = model.pairGeoms(id)
                return [model.geomName(a), model.geomName(b)]
            })
        #expect(
            pairs == [
                ["r_gripper_l_finger_tip", "r_gripper_r_finger_tip"],
                ["l_gripper_l_finger_tip", "l_gripper_r_finger_tip"],
                ["base", "r_forearm"], ["base", "l_forearm"],
            ])
        #expect(model.geomContact(try #require(model.geomID("gnd"))) == (0, 1))
        #expect(model.geomContact(try #require(model.geomID("target"))) == (0, 0))
    }

    @Test func pr2TipAndTargetLayout() throws {
        let model = try load("pr2.xml")
        // the only site, "tip", sits at the origin of l_gripper_r_finger_link
        #expect(model.nsite == 1)
        #expect(model.siteName(0) == "tip")
        #expect(model.bodyName(model.siteBody(0)) == "l_gripper_r_finger_link")
        #expect(model.siteLocalPosition(0) == [0, 0, 0])
        // "target" hangs from the world at the origin on slides x, y, z (qpos 7, 8, 9)
        let target = try #require(model.bodyID("target"))
        #expect(model.bodyParent(target) == 0 && model.bodyLocalPosition(target) == [0, 0, 0])
        for (offset, name) in ["target_x", "target_y", "target_z"].enumerated() {
            let id = try #require(model.jointID(name))
            #expect(
                model.jointType(id) == 2 && model.jointBody(id) == target && model.jointQposAddress(id) == 7 + offset)
            #expect(model.jointAxis(id) == (0..<3).map { $0 == offset ? 1 : 0 })
        }

        let simulation = try Simulation(model: model, frameSkip: 1)
        var qpos = [Double](repeating: 0, count: model.nq)
        qpos[7] = 0.5
        qpos[8] = 0.25
        qpos[9] = 0.9
        try simulation.setState(qpos: qpos, qvel: [Double](repeating: 0, count: model.nv))
        #expect(simulation.bodyPosition(target) == SIMD3(0.5, 0.25, 0.9))
        // tip at qpos0, summed from the original body offsets: base_link z 0.051, torso (-0.05, 0, 0.739675),
        // shoulder y 0.188, then along x 0.1 + 0.4 + 0.321 + 0.038 + 0.07691 and y -0.01 to the right finger
        let tip = simulation.sitePosition(0)
        let expected = SIMD3(0.88591, 0.178, 0.790675)
        #expect((0..<3).allSatisfy { close(tip[$0], expected[$0]) }, "tip \(tip)")
    }

    @Test func missingFileThrowsModelLoad() throws {
        let path = modelPath("no_such_model.xml")
        let error = #expect(throws: SimError.self) { _ = try MuJoCoModel(path: path) }
        guard case .modelLoad(let reported, let message)? = error else {
            Issue.record("expected SimError.modelLoad, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(message.contains("FILE_NOT_FOUND"), "\(message)")
        // the process carries on and can still load a good model
        #expect(try load("swimmer.xml").nq == 5)
    }

    @Test(arguments: [
        // a closing tag that does not match: tinyxml2 reports a mismatched element
        ("<mujoco><worldbody><body name=\"a\"><geom size=\"0.1\"/></worldbody></mujoco>", "MISMATCHED_ELEMENT"),
        // a MuJoCo 1.x attribute that MuJoCo 2.2.2 no longer knows
        (
            "<mujoco><worldbody><body><joint frictional=\"false\"/><geom size=\"0.1\"/></body></worldbody></mujoco>",
            "frictional"
        ),
    ])
    func invalidXMLThrowsModelLoad(_ text: String, _ problem: String) throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mbmpo-invalid-\(UUID().uuidString).xml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: SimError.self) { _ = try MuJoCoModel(path: url.path) }
        guard case .modelLoad(let reported, let message)? = error else {
            Issue.record("expected SimError.modelLoad, got \(String(describing: error))")
            return
        }
        #expect(reported == url.path)
        #expect(message.contains(problem), "\(message)")
        #expect(try load("swimmer.xml").nq == 5)
    }
}
