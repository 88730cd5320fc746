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
        glfwSetKeyCallback(window) { window, key, _, action, mods in
            Viewer.from(window)?.key(key, action: action, mods: mods)
        }
        glfwSetMouseButtonCallback(window) { window, button, action, mods in
            Viewer.from(window)?.mouseButton(button, action: action, mods: mods)
        }
        glfwSetCursorPosCallback(window) { window, x, y in
            Viewer.from(window)?.mouseMove(x: x, y: y)
        }
        glfwSetScrollCallback(window) { window, _, yOffset in
            Viewer.from(window)?.scene.moveCamera(mjMOUSE_ZOOM, dx: 0, dy: -0.05 * yOffset)
        }
    }

    /// Keyboard, as MuJoCo's `simulate` where it has the same action (``KeyBindings``), plus ours: R restarts, C
    /// cycles cameras, Ctrl+Q and Q quit.
    func key(_ key: Int32, action: Int32, mods: Int32 = 0) {
        guard action == GLFW_PRESS || (action == GLFW_REPEAT && key == GLFW_KEY_RIGHT) else { return }
        let control = mods & GLFW_MOD_CONTROL != 0
        do {
            switch key {
            case GLFW_KEY_Q: glfwSetWindowShouldClose(window, GLFW_TRUE)
            case GLFW_KEY_ESCAPE: scene.select(camera: .free)
            case GLFW_KEY_SPACE: paused.toggle()
            case GLFW_KEY_RIGHT where paused: try advance()
            case GLFW_KEY_BACKSPACE,
                GLFW_KEY_R where !control:
                let wasFinished = driver.isFinished
                try driver.restartEpisode()
                if wasFinished { paused = false }
            case GLFW_KEY_EQUAL, GLFW_KEY_KP_ADD: changeSpeed(faster: true)
            case GLFW_KEY_MINUS, GLFW_KEY_KP_SUBTRACT: changeSpeed(faster: false)
            case GLFW_KEY_RIGHT_BRACKET, GLFW_KEY_C: scene.cycleCamera()
            case GLFW_KEY_LEFT_BRACKET: scene.cycleCamera(backwards: true)
            case GLFW_KEY_PAGE_UP: selectParent()
            case GLFW_KEY_F1: showHelp.toggle()
            case GLFW_KEY_F2: showInfo.toggle()
            default: break
            }
        } catch {
            pendingError = error
        }
    }

    /// Records which buttons are held; a double-click selects (left), re-centres the camera (right) or, with Ctrl,
    /// tracks the body (right). Ctrl + press on a selected body starts perturbing it: left rotates, right
    /// translates (MuJoCo's perturbation: a spring force toward the dragged reference while running, the pose
    /// itself while paused), until the button is released.
    func mouseButton(_ button: Int32, action: Int32, mods: Int32 = 0) {
        mouse.left = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS
        mouse.middle = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_MIDDLE) == GLFW_PRESS
        mouse.right = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS
        // (two inout accesses to `mouse` at once would be an exclusivity violation: read into locals)
        var x = 0.0, y = 0.0
        glfwGetCursorPos(window, &x, &y)
        (mouse.lastX, mouse.lastY) = (x, y)
        guard action == GLFW_PRESS else {
            if !mouse.left && !mouse.right { stopPerturbation() }
            return
        }
        let control = mods & GLFW_MOD_CONTROL != 0
        if control, selectedBody != nil, button == GLFW_MOUSE_BUTTON_LEFT || button == GLFW_MOUSE_BUTTON_RIGHT {
            startPerturbation(translate: button == GLFW_MOUSE_BUTTON_RIGHT)
        }
        let now = glfwGetTime()
        if button == GLFW_MOUSE_BUTTON_LEFT {
            if now - mouse.lastLeftPress < MouseState.doubleClickInterval { pick(.select) }
            mouse.lastLeftPress = now
        } else if button == GLFW_MOUSE_BUTTON_RIGHT {
            if now - mouse.lastRightPress < MouseState.doubleClickInterval { pick(control ? .track : .recentre) }
            mouse.lastRightPress = now
        }
    }

    /// Left-drag rotates, right-drag pans, middle-drag zooms; shift uses the horizontal plane (as in `basic.cc`);
    /// while perturbing, the drag moves the perturbation's reference instead of the camera.
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
        if isPerturbing {
            movePerturbation(action, dx: dx / Double(height), dy: dy / Double(height))
        } else {
            scene.moveCamera(action, dx: dx / Double(height), dy: dy / Double(height))
        }
    }

    /// What a double-click does with the body under the cursor.
    enum PickAction {
        case select, recentre, track
    }

    /// The body (and point) under the cursor: selects it, moves the camera's look-at point onto it, or tracks it.
    func pick(_ action: PickAction) {
        var width: Int32 = 0, height: Int32 = 0
        glfwGetWindowSize(window, &width, &height)
        guard width > 0, height > 0 else { return }
        let hit = scene.select(
            data: driver.source.simulation.data.pointer, aspect: Double(width) / Double(height),
            x: mouse.lastX / Double(width), y: (Double(height) - mouse.lastY) / Double(height))
        switch action {
        case .select:
            select(body: hit?.body)
        case .recentre:
            guard let hit else { return }
            withUnsafeMutableBytes(of: &scene.camera.lookat) { bytes in
                let lookat = bytes.bindMemory(to: mjtNum.self)
                for axis in 0..<3 { lookat[axis] = hit.point[axis] }
            }
        case .track:
            guard let hit, hit.body > 0 else { return }
            scene.select(camera: .tracking(body: hit.body))
        }
    }

    /// Selects the selected body's parent (the world clears the selection), as `simulate`'s Page Up.
    func selectParent() {
        guard let body = selectedBody, let parents = scene.model.pointer.pointee.body_parentid else { return }
        select(body: Int(parents[body]))
    }
}
