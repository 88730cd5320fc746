#include "CMuJoCo.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* per-thread jump target: MuJoCo's error handler jumps back into the guarded C function that set it */
enum { CMJ_MODE_FAST = 0, CMJ_MODE_PLAIN = 1, CMJ_MODE_RAW = 2 };

static _Thread_local jmp_buf *cmj_jump_target = (jmp_buf *)0;
static _Thread_local char cmj_error_message[1024];
static _Thread_local long cmj_warning_count = 0;

static cmj_log_callback cmj_warning_callback = (cmj_log_callback)0;
static pthread_once_t cmj_handlers_once = PTHREAD_ONCE_INIT;

static void cmj_error_handler(const char *message) {
    snprintf(cmj_error_message, sizeof cmj_error_message, "%s", message ? message : "unknown MuJoCo error");
    if (cmj_jump_target) {
        longjmp(*cmj_jump_target, 1);
    }
    /* an error outside any guarded call: there is no safe place to continue */
    fprintf(stderr, "mbmpo: unguarded MuJoCo error: %s\n", cmj_error_message);
    abort();
}

static void cmj_warning_handler(const char *message) {
    cmj_warning_count += 1;
    cmj_log_callback callback = __atomic_load_n(&cmj_warning_callback, __ATOMIC_ACQUIRE);
    if (callback) {
        callback(message ? message : "");
    }
}

static void cmj_install_once(void) {
    mju_user_error = cmj_error_handler;
    mju_user_warning = cmj_warning_handler;
}

void cmj_install_handlers(void) { pthread_once(&cmj_handlers_once, cmj_install_once); }

void cmj_set_warning_callback(cmj_log_callback callback) {
    cmj_install_handlers();
    __atomic_store_n(&cmj_warning_callback, callback, __ATOMIC_RELEASE);
}

long cmj_thread_warning_count(void) { return cmj_warning_count; }

static void cmj_copy_error(char *error, int error_size, const char *message) {
    if (error && error_size > 0) {
        snprintf(error, (size_t)error_size, "%s", message);
    }
}

mjModel *cmj_load_xml(const char *path, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    mjModel *volatile model = (mjModel *)0;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        char buffer[1024] = {0};
        model = mj_loadXML(path, (const mjVFS *)0, buffer, (int)sizeof buffer);
        cmj_jump_target = (jmp_buf *)0;
        if (!model) {
            cmj_copy_error(error, error_size, buffer[0] ? buffer : "unknown error while loading the model");
        }
        return model;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    return (mjModel *)0;
}

mjData *cmj_make_data(const mjModel *m, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        mjData *data = mj_makeData(m);
        cmj_jump_target = (jmp_buf *)0;
        if (!data) {
            cmj_copy_error(error, error_size, "mj_makeData failed (out of memory?)");
        }
        return data;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    return (mjData *)0;
}

static int cmj_state_is_finite(const mjModel *m, const mjData *d) {
    for (int i = 0; i < m->nq; i++) {
        if (!isfinite(d->qpos[i])) return 0;
    }
    for (int i = 0; i < m->nv; i++) {
        if (!isfinite(d->qvel[i])) return 0;
    }
    return 1;
}

static int cmj_unstable_count(const mjData *d) {
    return d->warning[mjWARN_BADQPOS].number + d->warning[mjWARN_BADQVEL].number + d->warning[mjWARN_BADQACC].number;
}

/* Whether the position and velocity stages that a trailing mj_forward computed can be reused by the next
 * mj_step. Not for models with quaternion joints: the position stage renormalizes quaternions in qpos, and
 * renormalizing twice is not bit-identical to renormalizing once. */
static int cmj_can_reuse_stages(const mjModel *m) {
    for (int j = 0; j < m->njnt; j++) {
        if (m->jnt_type[j] == mjJNT_FREE || m->jnt_type[j] == mjJNT_BALL) return 0;
    }
    return 1;
}

/* One mj_step whose position and velocity stages are taken from the preceding mj_forward at the same state:
 * identical to mj_step (same calls in the same order, minus recomputing those stages), so the trajectory is
 * bit-identical while the first physics step of an environment step costs less. */
static void cmj_step_reusing_stages(const mjModel *m, mjData *d) {
    mj_checkPos(m, d);
    mj_checkVel(m, d);
    mj_forwardSkip(m, d, mjSTAGE_VEL, 0);
    mj_checkAcc(m, d);
    if (m->opt.integrator == mjINT_RK4) {
        mj_RungeKutta(m, d, 4);
    } else {
        mj_Euler(m, d);
    }
}

/* What the last physics step left in `d` before the trailing forward pass: the body frame positions (nbody × 3)
 * and, after mj_rnePostConstraint, the external contact forces (nbody × 6); either may be null. */
typedef struct {
    double *xpos;
    double *cfrc_ext;
} cmj_lagging;

static void cmj_capture_lagging(const mjModel *m, mjData *d, const cmj_lagging *out) {
    if (!out) return;
    if (out->xpos) memcpy(out->xpos, d->xpos, sizeof(mjtNum) * 3 * (size_t)m->nbody);
    if (out->cfrc_ext) {
        mj_rnePostConstraint(m, d);
        memcpy(out->cfrc_ext, d->cfrc_ext, sizeof(mjtNum) * 6 * (size_t)m->nbody);
    }
}

static int cmj_guarded_step_capturing(const mjModel *m, mjData *d, int nstep, int mode, const cmj_lagging *lagging,
                                      char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        const int unstable_before = cmj_unstable_count(d);
        const int reuse = mode == CMJ_MODE_FAST && cmj_can_reuse_stages(m);
        int status = CMJ_OK;
        for (int i = 0; i < nstep; i++) {
            if (i == 0 && reuse) {
                cmj_step_reusing_stages(m, d);
            } else {
                mj_step(m, d);
            }
            if (cmj_unstable_count(d) != unstable_before) {
                status = CMJ_UNSTABLE;
                break;
            }
        }
        if (status == CMJ_OK && mode != CMJ_MODE_RAW) {
            if (cmj_state_is_finite(m, d)) cmj_capture_lagging(m, d, lagging);
            mj_forward(m, d);
        }
        cmj_jump_target = (jmp_buf *)0;
        if (status == CMJ_OK && !cmj_state_is_finite(m, d)) {
            status = CMJ_NONFINITE;
        }
        if (status == CMJ_UNSTABLE) {
            cmj_copy_error(error, error_size, "simulation became unstable (bad qpos/qvel/qacc; MuJoCo reset the state)");
        } else if (status == CMJ_NONFINITE) {
            cmj_copy_error(error, error_size, "simulation state is not finite");
        }
        return status;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    return CMJ_ERROR;
}

static int cmj_guarded_step(const mjModel *m, mjData *d, int nstep, int mode, char *error, int error_size) {
    return cmj_guarded_step_capturing(m, d, nstep, mode, (const cmj_lagging *)0, error, error_size);
}

int cmj_step_lagging(const mjModel *m, mjData *d, int nstep, double *xpos, double *cfrc_ext, char *error,
                     int error_size) {
    const cmj_lagging lagging = {xpos, cfrc_ext};
    return cmj_guarded_step_capturing(m, d, nstep, CMJ_MODE_FAST, &lagging, error, error_size);
}

int cmj_step(const mjModel *m, mjData *d, int nstep, char *error, int error_size) {
    return cmj_guarded_step(m, d, nstep, CMJ_MODE_FAST, error, error_size);
}

int cmj_step_reference(const mjModel *m, mjData *d, int nstep, char *error, int error_size) {
    return cmj_guarded_step(m, d, nstep, CMJ_MODE_PLAIN, error, error_size);
}

int cmj_step_raw(const mjModel *m, mjData *d, int nstep, char *error, int error_size) {
    return cmj_guarded_step(m, d, nstep, CMJ_MODE_RAW, error, error_size);
}

int cmj_forward(const mjModel *m, mjData *d, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        mj_forward(m, d);
        cmj_jump_target = (jmp_buf *)0;
        return CMJ_OK;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    return CMJ_ERROR;
}

int cmj_reset_data(const mjModel *m, mjData *d, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        mj_resetData(m, d);
        cmj_jump_target = (jmp_buf *)0;
        return CMJ_OK;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    return CMJ_ERROR;
}

void cmj_reset_state(const mjModel *m, mjData *d) {
    /* the header fields mj_resetData clears */
    d->pstack = 0;
    d->maxuse_stack = 0;
    d->maxuse_con = 0;
    d->maxuse_efc = 0;
    memset(d->warning, 0, sizeof(d->warning));
    memset(d->timer, 0, sizeof(d->timer));
    memset(d->solver, 0, sizeof(d->solver));
    d->solver_iter = 0;
    d->solver_nnz = 0;
    d->solver_fwdinv[0] = 0;
    d->solver_fwdinv[1] = 0;
    d->ne = 0;
    d->nf = 0;
    d->nefc = 0;
    d->ncon = 0;
    d->time = 0;
    d->energy[0] = 0;
    d->energy[1] = 0;
    /* every input of the computation, as mj_resetData leaves it */
    mju_zero(d->qvel, m->nv);
    mju_zero(d->act, m->na);
    mju_zero(d->ctrl, m->nu);
    mju_zero(d->qfrc_applied, m->nv);
    mju_zero(d->xfrc_applied, 6 * m->nbody);
    mju_zero(d->qacc, m->nv);
    mju_zero(d->qacc_warmstart, m->nv);
    mju_zero(d->act_dot, m->na);
    mju_zero(d->userdata, m->nuserdata);
    mju_zero(d->sensordata, m->nsensordata);
    mju_copy(d->qpos, m->qpos0, m->nq);
    for (int i = 0; i < m->nmocap; i++) {
        mju_zero3(d->mocap_pos + 3 * i);
        d->mocap_quat[4 * i] = 1;
        d->mocap_quat[4 * i + 1] = 0;
        d->mocap_quat[4 * i + 2] = 0;
        d->mocap_quat[4 * i + 3] = 0;
    }
    for (int b = 0; b < m->nbody; b++) {
        int id = m->body_mocapid[b];
        if (id >= 0) {
            mju_copy3(d->mocap_pos + 3 * id, m->body_pos + 3 * b);
            mju_copy4(d->mocap_quat + 4 * id, m->body_quat + 4 * b);
        }
    }
}

int cmj_random_steps(const mjModel *m, mjData *d, long nstep, unsigned long long seed) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        unsigned long long x = seed ? seed : 88172645463325252ULL;
        for (long i = 0; i < nstep; i++) {
            for (int j = 0; j < m->nu; j++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                double u = (double)(x >> 11) * (1.0 / 9007199254740992.0);
                double lo = m->actuator_ctrlrange[2 * j], hi = m->actuator_ctrlrange[2 * j + 1];
                d->ctrl[j] = lo + u * (hi - lo);
            }
            mj_step(m, d);
        }
        cmj_jump_target = (jmp_buf *)0;
        return CMJ_OK;
    }
    cmj_jump_target = (jmp_buf *)0;
    return CMJ_ERROR;
}

int cmj_render_make_context(const mjModel *m, mjrContext *con, int fontscale, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        mjr_makeContext(m, con, fontscale);
        cmj_jump_target = (jmp_buf *)0;
        return CMJ_OK;
    }
    cmj_jump_target = (jmp_buf *)0;
    cmj_copy_error(error, error_size, cmj_error_message);
    mjr_freeContext(con);
    return CMJ_ERROR;
}

int cmj_version(void) { return mj_version(); }
