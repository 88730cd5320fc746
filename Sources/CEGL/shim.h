/* EGL (Debian libegl-dev, Mesa) for headless rendering without an X server.
 * The EGL_NO_* and EGL_DEFAULT_DISPLAY constants are pointer-cast macros that Swift cannot import, so they are
 * wrapped in functions here, as is the extension lookup of the Mesa surfaceless platform. */
#ifndef MBMPO_CEGL_SHIM_H
#define MBMPO_CEGL_SHIM_H
#include <EGL/egl.h>
#include <EGL/eglext.h>

static inline EGLContext cegl_no_context(void) { return EGL_NO_CONTEXT; }
static inline EGLSurface cegl_no_surface(void) { return EGL_NO_SURFACE; }
static inline EGLDisplay cegl_no_display(void) { return EGL_NO_DISPLAY; }

/* The Mesa surfaceless platform display (no window system, no GPU needed), or EGL_NO_DISPLAY when the
 * platform extension is missing. */
static inline EGLDisplay cegl_surfaceless_display(void) {
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_display) return EGL_NO_DISPLAY;
    return get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, (const EGLint *)0);
}

/* The platform's default display (the fallback when the surfaceless platform is unavailable). */
static inline EGLDisplay cegl_default_display(void) { return eglGetDisplay(EGL_DEFAULT_DISPLAY); }
#endif
