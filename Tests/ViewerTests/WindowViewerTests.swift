import CGLFW
import CMuJoCo
import Core
import Sim
import Testing

@testable import Viewer

/// Opens the viewer on `id` in a 160×120 window on the test display, playing random actions.
private func openViewer(_ id: EnvironmentID, episodes: Int = 2, horizon: Int? = nil) throws -> Viewer {
    _ = try XDisplay.name()
    let environment = try id.make()
    let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 1)
    let source = PolicyReplay(environment: environment, policy: policy, episodes: episodes, seed: 2, horizon: horizon)
    return try Viewer(driver: ReplayDriver(source: source), width: 160, height: 120, quality: .fast)
}

extension OpenGLTests {
    @Suite("Viewer window (GLFW on X)", .enabled(if: XDisplay.canProvide, "no DISPLAY and no Xvfb on PATH"))
    struct WindowViewerTests {
        /// A few frames of the real loop on every task, then the back buffer: window-sized, not blank.
        @Test(arguments: EnvironmentID.allCases)
        func viewerDrawsEveryEnvironment(id: EnvironmentID) throws {
            let viewer = try openViewer(id)
            try viewer.run(maxFrames: 5)
            #expect(viewer.frameCount == 5)
            viewer.drawFrame()
            let image = viewer.readPixels()
            #expect(image.width == 160 && image.height == 120)
            let statistics = ImageStatistics(image)
            #expect(statistics.luminanceDeviation > 15, "\(id): luminance σ \(statistics.luminanceDeviation)")
            #expect(statistics.distinctColors > 50, "\(id): \(statistics.distinctColors) colours")
        }

        /// simulate's keys: space pauses, → single-steps while paused, + and − change the speed, ] and [ cycle the
        /// cameras (C too), Backspace restarts the episode (R too), Esc returns to the free camera; Q closes the
        /// window so the loop ends without drawing.
        @Test func keysControlPlayback() throws {
            let viewer = try openViewer(.halfCheetah)
            viewer.key(GLFW_KEY_SPACE, action: GLFW_PRESS)
            #expect(viewer.paused)
            let step = viewer.driver.step
            viewer.key(GLFW_KEY_RIGHT, action: GLFW_PRESS)
            viewer.key(GLFW_KEY_RIGHT, action: GLFW_REPEAT)
            #expect(viewer.driver.step == step + 2)
            try viewer.run(maxFrames: 3)
            #expect(viewer.driver.step == step + 2, "paused playback must not advance")
            viewer.key(GLFW_KEY_EQUAL, action: GLFW_PRESS, mods: GLFW_MOD_SHIFT)
            #expect(viewer.speed == 2)
            viewer.key(GLFW_KEY_MINUS, action: GLFW_PRESS)
            viewer.key(GLFW_KEY_KP_SUBTRACT, action: GLFW_PRESS)
            #expect(viewer.speed == 0.5)
            let cameras = viewer.scene.cameraChoices
            #expect(cameras.count == 3)  // free, tracking, the model's "track" camera
            #expect(viewer.scene.cameraChoice == viewer.scene.defaultCamera)
            viewer.key(GLFW_KEY_C, action: GLFW_PRESS)
            #expect(viewer.scene.cameraChoice == .free)
            viewer.key(GLFW_KEY_RIGHT_BRACKET, action: GLFW_PRESS)
            #expect(viewer.scene.cameraChoice == .tracking(body: 1))
            viewer.key(GLFW_KEY_LEFT_BRACKET, action: GLFW_PRESS)
            #expect(viewer.scene.cameraChoice == .free)
            viewer.key(GLFW_KEY_LEFT_BRACKET, action: GLFW_PRESS)
            #expect(viewer.scene.cameraChoice == cameras[2])
            viewer.key(GLFW_KEY_ESCAPE, action: GLFW_PRESS)
            #expect(viewer.scene.cameraChoice == .free)
            #expect(glfwWindowShouldClose(viewer.window) == 0, "Esc only frees the camera, as in simulate")
            viewer.key(GLFW_KEY_RIGHT, action: GLFW_PRESS)
            viewer.key(GLFW_KEY_BACKSPACE, action: GLFW_PRESS)
            #expect(viewer.driver.step == 0 && viewer.driver.episodeReturn == 0)
            viewer.key(GLFW_KEY_RIGHT, action: GLFW_PRESS)
            viewer.key(GLFW_KEY_R, action: GLFW_PRESS)
            #expect(viewer.driver.step == 0)
            viewer.key(GLFW_KEY_Q, action: GLFW_PRESS, mods: GLFW_MOD_CONTROL)
            let frames = viewer.frameCount
            try viewer.run(maxFrames: 100)
            #expect(viewer.frameCount == frames)
        }

        /// Left-drag rotates (azimuth), right-drag pans (look-at point), middle-drag zooms (distance), as in
        /// `basic.cc`; moving without a button, or before the first frame, does nothing.
        @Test func mouseDragsMoveTheCamera() throws {
            let viewer = try openViewer(.hopper)
            viewer.scene.select(camera: .free)
            func state() -> [Double] {
                let camera = viewer.scene.camera
                return [
                    camera.azimuth, camera.elevation, camera.distance, camera.lookat.0, camera.lookat.1,
                    camera.lookat.2,
                ]
            }
            // before the first frame there is no view to move relative to: ignored, not a MuJoCo error
            viewer.mouse.left = true
            viewer.mouseMove(x: 10, y: 10)
            viewer.mouseMove(x: 20, y: 10)
            viewer.mouse.left = false
            viewer.drawFrame()
            let start = state()
            viewer.mouseMove(x: 40, y: 40)
            viewer.mouseMove(x: 80, y: 40)
            #expect(state() == start, "a move without a button changed the camera")
            viewer.mouse.left = true
            viewer.mouseMove(x: 110, y: 40)
            let rotated = state()
            #expect(rotated[0] != start[0] && Array(rotated[2...]) == Array(start[2...]))
            (viewer.mouse.left, viewer.mouse.right) = (false, true)
            viewer.mouseMove(x: 110, y: 70)
            let panned = state()
            #expect(Array(panned[3...]) != Array(rotated[3...]) && panned[2] == rotated[2])
            (viewer.mouse.right, viewer.mouse.middle) = (false, true)
            viewer.mouseMove(x: 110, y: 100)
            #expect(state()[2] != panned[2])
            // dragging with the model's fixed camera is harmless: the view stays where the model puts it
            viewer.scene.select(camera: viewer.scene.cameraChoices[2])
            let viewport = mjrRect(left: 0, bottom: 0, width: 160, height: 120)
            let data = viewer.driver.source.simulation.data.pointer
            func sceneOnly() -> Image {  // without the overlay, whose frame rate changes
                viewer.scene.render(data: data, viewport: viewport)
                return viewer.scene.readPixels(viewport: viewport)
            }
            let fixedView = sceneOnly()
            for button in 0..<3 {
                (viewer.mouse.left, viewer.mouse.right, viewer.mouse.middle) = (button == 0, button == 1, button == 2)
                viewer.mouseMove(x: 20, y: 20)
                viewer.mouseMove(x: 60, y: 90)
            }
            #expect(sceneOnly() == fixedView)
        }

        /// A double-click on a robot pixel selects that pixel's body (checked against the segmentation pass).
        @Test func doubleClickSelectsTheBodyUnderTheCursor() throws {
            let viewer = try openViewer(.ant)
            viewer.drawFrame()
            let data = viewer.driver.source.simulation.data.pointer
            var (width, height): (Int32, Int32) = (0, 0)
            glfwGetFramebufferSize(viewer.window, &width, &height)
            let mask = viewer.scene.bodyMask(
                data: data,
                viewport: .init(
                    left: 0, bottom: 0, width: width,
                    height: height))
            let pixel = try #require(
                mask.indices.first { index in
                    // a pixel whose 3×3 neighbourhood is all one robot body, so the pick cannot land on an edge
                    let x = index % Int(width), y = index / Int(width)
                    guard x > 0, y > 0, x < Int(width) - 1, y < Int(height) - 1, mask[index] > 0 else { return false }
                    return [-1, 0, 1].allSatisfy { dy in
                        [-1, 0, 1].allSatisfy { dx in mask[index + dy * Int(width) + dx] == mask[index] }
                    }
                })
            viewer.mouse.lastX = Double(pixel % Int(width)) + 0.5
            viewer.mouse.lastY = Double(pixel / Int(width)) + 0.5
            viewer.pick(.select)
            #expect(viewer.selectedBody == mask[pixel])
            #expect(viewer.scene.perturb.select == Int32(mask[pixel]))
            viewer.select(body: nil)
            #expect(viewer.selectedBody == nil && viewer.scene.perturb.select == 0)
        }

        /// F1 draws the key and mouse help in the top-right corner (simulate's help, ours added), F2 hides the info
        /// overlay in the top-left one; Page Up selects the parent body.
        @Test func helpAndInfoOverlaysToggle() throws {
            let viewer = try openViewer(.walker2d)
            viewer.paused = true
            func corners() -> (left: [UInt8], right: [UInt8]) {
                viewer.drawFrame()
                let image = viewer.readPixels()
                var left: [UInt8] = [], right: [UInt8] = []
                for y in 0..<(image.height / 3) {
                    for x in 0..<(image.width / 3) {
                        left += image.pixels[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3]
                        let r = image.width - 1 - x
                        right += image.pixels[(y * image.width + r) * 3..<(y * image.width + r) * 3 + 3]
                    }
                }
                return (left, right)
            }
            // (the info overlay shows the frame rate, which changes between frames: it is off for the comparisons)
            let info = corners()
            viewer.key(GLFW_KEY_F2, action: GLFW_PRESS)
            #expect(!viewer.showInfo)
            let bare = corners()
            #expect(bare.left != info.left, "F2 must remove the info overlay")
            #expect(corners() == bare)
            viewer.key(GLFW_KEY_F1, action: GLFW_PRESS)
            #expect(viewer.showHelp)
            let help = corners()
            #expect(help.right != bare.right, "F1 must draw the help in the top-right corner")
            viewer.key(GLFW_KEY_F1, action: GLFW_PRESS)
            #expect(corners() == bare, "F1 again must remove the help")
            #expect(KeyBindings.rows.contains { $0 == ("Ctrl [Shift] right drag", "Object translate") })
            // walker2d: foot_left (the last body) → leg_left → thigh_left → torso → world (clears the selection)
            let model = viewer.scene.model
            viewer.select(body: model.nbody - 1)
            var chain = [viewer.selectedBody]
            for _ in 0..<4 {
                viewer.key(GLFW_KEY_PAGE_UP, action: GLFW_PRESS)
                chain.append(viewer.selectedBody)
            }
            #expect(chain.compactMap { $0.map(model.bodyName) } == ["foot_left", "leg_left", "thigh_left", "torso"])
            #expect(chain.last == .some(nil))
        }

        /// Ctrl + right drag on a selected body translates it with MuJoCo's perturbation: while playing, a spring
        /// force toward the dragged reference moves the body against an unperturbed twin; releasing the button
        /// ends it and clears the applied force.
        @Test func controlDragPerturbsTheSelectedBody() throws {
            func torsoHeightAfterSteps(perturb: Bool) throws -> Double {
                let viewer = try openViewer(.hopper, horizon: 400)
                viewer.drawFrame()
                let data = viewer.driver.source.simulation.data.pointer
                viewer.select(body: 1)
                if perturb {
                    viewer.mouse.right = true
                    viewer.startPerturbation(translate: true)
                    #expect(viewer.isPerturbing)
                    // drag upward: the reference rises above the torso
                    for _ in 0..<10 { viewer.movePerturbation(mjMOUSE_MOVE_V, dx: 0, dy: -0.05) }
                }
                for _ in 0..<40 { try viewer.advance() }
                let height = data.pointee.xpos[3 * 1 + 2]
                if perturb {
                    viewer.mouse.right = false
                    viewer.mouseButton(GLFW_MOUSE_BUTTON_RIGHT, action: GLFW_RELEASE)
                    #expect(!viewer.isPerturbing)
                    #expect((0..<(6 * viewer.scene.model.nbody)).allSatisfy { data.pointee.xfrc_applied[$0] == 0 })
                }
                return height
            }
            let free = try torsoHeightAfterSteps(perturb: false)
            let lifted = try torsoHeightAfterSteps(perturb: true)
            #expect(lifted > free + 0.05, "torso at \(lifted) m with the perturbation, \(free) m without")
        }

        /// After a resize the frame fills the new framebuffer and keeps the aspect right: the robot's on-screen
        /// width-to-height ratio stays the same (a projection stuck at the old 4:3 aspect would stretch it by
        /// (240/80)/(160/120) = 2.25).
        @Test func resizedWindowKeepsTheAspect() throws {
            let viewer = try openViewer(.halfCheetah)
            viewer.paused = true
            let before = try robotBox(viewer)
            glfwSetWindowSize(viewer.window, 240, 80)
            var (width, height): (Int32, Int32) = (0, 0)
            for _ in 0..<100 where (width, height) != (240, 80) {
                glfwWaitEventsTimeout(0.02)
                glfwGetFramebufferSize(viewer.window, &width, &height)
            }
            #expect(width == 240 && height == 80)
            // one pass of the loop: the software GLX drawable takes its new size at the swap
            try viewer.run(maxFrames: viewer.frameCount + 1)
            viewer.drawFrame()
            let image = viewer.readPixels()
            #expect(image.width == 240 && image.height == 80)
            #expect(ImageStatistics(image).distinctColors > 50)
            let after = try robotBox(viewer)
            let ratioBefore = Double(before.width) / Double(before.height)
            let ratioAfter = Double(after.width) / Double(after.height)
            #expect(abs(ratioAfter / ratioBefore - 1) < 0.25, "robot box \(before) → \(after)")
            // vertical field of view is fixed: the robot's height scales with the window height (120 → 80)
            #expect(abs(Double(after.height) / Double(before.height) - 80.0 / 120) < 0.2)
        }

        /// Playing to the end pauses on the last frame with every episode's return recorded.
        @Test func finishingTheLastEpisodePauses() throws {
            let viewer = try openViewer(.swimmer, episodes: 2, horizon: 3)
            viewer.paused = true
            for _ in 0..<20 { viewer.key(GLFW_KEY_RIGHT, action: GLFW_PRESS) }
            #expect(viewer.driver.isFinished)
            #expect(viewer.driver.completedReturns.count == 2)
            viewer.paused = false
            try viewer.run(maxFrames: viewer.frameCount + 2)
            #expect(viewer.paused)
        }
    }
}

/// Width and height in pixels of the robot's bounding box in the viewer's current framebuffer.
private func robotBox(_ viewer: Viewer) throws -> (width: Int, height: Int) {
    var (width, height): (Int32, Int32) = (0, 0)
    glfwGetFramebufferSize(viewer.window, &width, &height)
    let mask = viewer.scene.bodyMask(
        data: viewer.driver.source.simulation.data.pointer,
        viewport: .init(left: 0, bottom: 0, width: width, height: height))
    let robot = RobotFootprint(mask: mask, width: Int(width), height: Int(height))
    try #require(robot.fraction > 0, "no robot pixels")
    return (robot.maxX - robot.minX + 1, robot.maxY - robot.minY + 1)
}
