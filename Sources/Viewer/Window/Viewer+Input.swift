import CGLFW
import CMuJoCo

/// Mouse buttons held and the last cursor position, as `basic.cc` keeps them.
struct MouseState {
    var left = false, middle = false, right = false
    var lastX = 0.0, lastY = 0.0
    /// Time of the last press of each button, for double-click detection.
    var lastLeftPress = -1.0, lastRightPress = -1.0
    /// Longest gap between the presses of a double-click (s).
    static let doubleClickInterval = 0.3
}

extension Viewer {
    /// The viewer behind a GLFW window (stored as the window's user pointer), or nil.
    static func from(_ window: OpaquePointer?) -> Viewer? {
        guard let window, let pointer = glfwGetWindowUserPointer(window) else { return nil }
        return Unmanaged<Viewer>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Registers the keyboard, mouse and scroll callbacks; they find the viewer through the user pointer (unretained:
    /// the viewer outlives its window, whose pointer is cleared in deinit).
    func installCallbacks() {
        glfwSetWindowUserPointer(window, Unmanaged.passUnretained(self).toOpaque())
        glfwSetKeyCallback(window) { window, key, _, action, _ in
            Viewer.from(window)?.key(key, action: action)
        }
        glfwSetMouseButtonCallback(window) { window, button, action, _ in
            Viewer.from(window)?.mouseButton(button, action: action)
        }
        glfwSetCursorPosCallback(window) { window, x, y in
            Viewer.from(window)?.mouseMove(x: x, y: y)
        }
        glfwSetScrollCallback(window) { window, _, yOffset in
            Viewer.from(window)?.scene.moveCamera(mjMOUSE_ZOOM, dx: 0, dy: -0.05 * yOffset)
        }
    }

    /// Keyboard: space, →, R, [, ], C, Esc.
    func key(_ key: Int32, action: Int32) {
        guard action == GLFW_PRESS || (action == GLFW_REPEAT && key == GLFW_KEY_RIGHT) else { return }
        do {
            switch key {
            case GLFW_KEY_ESCAPE: glfwSetWindowShouldClose(window, GLFW_TRUE)
            case GLFW_KEY_SPACE: paused.toggle()
            case GLFW_KEY_RIGHT where paused: try driver.advance()
            case GLFW_KEY_R:
                let wasFinished = driver.isFinished
                try driver.restartEpisode()
                if wasFinished { paused = false }
            case GLFW_KEY_LEFT_BRACKET: changeSpeed(faster: false)
            case GLFW_KEY_RIGHT_BRACKET: changeSpeed(faster: true)
            case GLFW_KEY_C: scene.cycleCamera()
            default: break
            }
        } catch {
            pendingError = error
        }
    }

    /// Records which buttons are held; a double-click selects (left) or re-centres the camera (right).
    func mouseButton(_ button: Int32, action: Int32) {
        mouse.left = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS
        mouse.middle = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_MIDDLE) == GLFW_PRESS
        mouse.right = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS
        glfwGetCursorPos(window, &mouse.lastX, &mouse.lastY)
        guard action == GLFW_PRESS else { return }
        let now = glfwGetTime()
        if button == GLFW_MOUSE_BUTTON_LEFT {
            if now - mouse.lastLeftPress < MouseState.doubleClickInterval { pick(recentre: false) }
            mouse.lastLeftPress = now
        } else if button == GLFW_MOUSE_BUTTON_RIGHT {
            if now - mouse.lastRightPress < MouseState.doubleClickInterval { pick(recentre: true) }
            mouse.lastRightPress = now
        }
    }

    /// Left-drag rotates, right-drag pans, middle-drag zooms; shift uses the horizontal plane (as in `basic.cc`).
    func mouseMove(x: Double, y: Double) {
        let dx = x - mouse.lastX, dy = y - mouse.lastY
        (mouse.lastX, mouse.lastY) = (x, y)
        guard mouse.left || mouse.middle || mouse.right else { return }
        var width: Int32 = 0, height: Int32 = 0
        glfwGetWindowSize(window, &width, &height)
        guard height > 0 else { return }
        let shift =
            glfwGetKey(window, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS
            || glfwGetKey(window, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS
        let action: mjtMouse
        if mouse.right {
            action = shift ? mjMOUSE_MOVE_H : mjMOUSE_MOVE_V
        } else if mouse.left {
            action = shift ? mjMOUSE_ROTATE_H : mjMOUSE_ROTATE_V
        } else {
            action = mjMOUSE_ZOOM
        }
        scene.moveCamera(action, dx: dx / Double(height), dy: dy / Double(height))
    }

    /// The body (and point) under the cursor: selects it, or moves the camera's look-at point onto it.
    func pick(recentre: Bool) {
        var width: Int32 = 0, height: Int32 = 0
        glfwGetWindowSize(window, &width, &height)
        guard width > 0, height > 0 else { return }
        let hit = scene.select(
            data: driver.source.simulation.data.pointer, aspect: Double(width) / Double(height),
            x: mouse.lastX / Double(width), y: (Double(height) - mouse.lastY) / Double(height))
        if recentre {
            guard let hit else { return }
            withUnsafeMutableBytes(of: &scene.camera.lookat) { bytes in
                let lookat = bytes.bindMemory(to: mjtNum.self)
                for axis in 0..<3 { lookat[axis] = hit.point[axis] }
            }
        } else {
            select(body: hit?.body)
        }
    }
}
