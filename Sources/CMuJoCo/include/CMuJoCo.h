/* C shim over MuJoCo (Debian libmujoco-dev 2.2.2).
 *
 * Every MuJoCo call that can raise an error goes through a cmj_* function here: the shim installs an error
 * handler that longjmps back into the same C function (never across Swift frames), so a MuJoCo error becomes a
 * returned error code plus a message instead of exit(). Warnings are routed to a registered callback and counted
 * per thread instead of being written to MUJOCO_LOG.TXT in the working directory. */
#ifndef MBMPO_CMUJOCO_H
#define MBMPO_CMUJOCO_H

#include <stddef.h>
#include <mujoco/mujoco.h>

/* The shim and the models are written for MuJoCo 2.2.x (the C API changed in 2.3 and again in 3.0). */
#if !defined(mjVERSION_HEADER) || mjVERSION_HEADER < 220 || mjVERSION_HEADER >= 230
#error "mbmpo needs the MuJoCo 2.2 headers (Debian 12: apt-get install libmujoco-dev, version 2.2.2)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Installs the error/warning handlers (idempotent, thread-safe). Called by every cmj_ function. */
void cmj_install_handlers(void);

/* Receives every MuJoCo warning message (from any thread). NULL restores the default: ignore (still counted). */
typedef void (*cmj_log_callback)(const char* message);
void cmj_set_warning_callback(cmj_log_callback callback);

/* Number of warnings MuJoCo raised on the calling thread so far. */
long cmj_thread_warning_count(void);

/* Loads and compiles an MJCF file. Returns NULL and fills `error` on failure (parse, compile or runtime error). */
mjModel* cmj_load_xml(const char* path, char* error, int error_size);

/* Allocates data for a model. Returns NULL and fills `error` on failure. */
mjData* cmj_make_data(const mjModel* m, char* error, int error_size);

/* Status of a guarded simulation call. */
enum {
    CMJ_OK = 0,
    CMJ_ERROR = 1,        /* MuJoCo raised an error (message in the error buffer) */
    CMJ_UNSTABLE = 2,     /* MuJoCo reported a bad qpos/qvel/qacc (it resets the state itself) */
    CMJ_NONFINITE = 3,    /* qpos or qvel hold a NaN/Inf after the step */
};

/* Runs `nstep` mj_step calls, then mj_forward so that positions, sites and derived quantities match the new
 * state (the original environments call forward after stepping). Stops at the first step that raises an error or
 * an instability warning, or leaves a non-finite state.
 * Requires that the last call on `d` was mj_forward or cmj_step (true after every reset and step): the first
 * physics step then reuses that forward pass's position and velocity stages, which gives results bit-identical
 * to cmj_step_reference (checked by the tests) at a lower cost. */
int cmj_step(const mjModel* m, mjData* d, int nstep, char* error, int error_size);

/* cmj_step that also hands out what Gymnasium's environments read after mj_step, which runs no forward pass
 * after integrating: the body frame positions as the last physics step computed them (one physics step behind
 * qpos; `xpos`, nbody × 3) and the external contact forces after mj_rnePostConstraint on that same data
 * (`cfrc_ext`, nbody × 6). Either pointer may be null; both are written only when the step succeeds. The trailing
 * mj_forward follows, so the state is exactly as after cmj_step (mj_rnePostConstraint also leaves cacc, cfrc_int and
 * cfrc_ext filled in, which nothing in the dynamics reads). */
int cmj_step_lagging(const mjModel* m, mjData* d, int nstep, double* xpos, double* cfrc_ext, char* error,
                     int error_size);

/* The plain sequence: `nstep` full mj_step calls, then mj_forward. */
int cmj_step_reference(const mjModel* m, mjData* d, int nstep, char* error, int error_size);

/* Runs nstep mj_step calls without the trailing forward (the raw engine rate, for benchmarks). */
int cmj_step_raw(const mjModel* m, mjData* d, int nstep, char* error, int error_size);

/* Guarded mj_forward. */
int cmj_forward(const mjModel* m, mjData* d, char* error, int error_size);

/* Guarded mj_resetData. */
int cmj_reset_data(const mjModel* m, mjData* d, char* error, int error_size);

/* Restores the state mj_resetData leaves (qpos0; zero velocities, activations, controls, applied forces,
 * warm start, time and statistics; mocap bodies at their model poses) without clearing the rest of mjData's
 * buffer, which holds only quantities that the next mj_forward recomputes. mj_resetData zero-fills the whole
 * buffer (≈ 3 MB with the default constraint sizes, ≈ 25 µs); this touches a few hundred bytes. Must be followed
 * by mj_forward before any derived quantity is read; the tests check that episodes started this way are
 * bit-identical to episodes started after mj_resetData. Cannot fail. */
void cmj_reset_state(const mjModel* m, mjData* d);

/* Benchmark ceiling: `nstep` bare mj_step calls, each after setting every control to a uniform random value in
 * its control range (xorshift64 from `seed`), unguarded apart from the error trap. Returns a CMJ_ status. */
int cmj_random_steps(const mjModel* m, mjData* d, long nstep, unsigned long long seed);

/* Guarded mjr_makeContext: builds the rendering context (textures, fonts, offscreen buffer) of `m` in the OpenGL
 * context current on the calling thread. On a MuJoCo error (no usable OpenGL, offscreen buffer too large) it frees
 * what was made, fills `error` and returns CMJ_ERROR. */
int cmj_render_make_context(const mjModel* m, mjrContext* con, int fontscale, char* error, int error_size);

/* Version number of the linked library (222 for 2.2.2). */
int cmj_version(void);

#ifdef __cplusplus
}
#endif
#endif
