#include "CMuJoCo.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* per-thread jump target: MuJoCo's error handler jumps back into the guarded C function that set it */
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

static int cmj_guarded_step(const mjModel *m, mjData *d, int nstep, int forward, char *error, int error_size) {
    cmj_install_handlers();
    jmp_buf target;
    if (setjmp(target) == 0) {
        cmj_jump_target = &target;
        const int unstable_before = cmj_unstable_count(d);
        int status = CMJ_OK;
        for (int i = 0; i < nstep; i++) {
            mj_step(m, d);
            if (cmj_unstable_count(d) != unstable_before) {
                status = CMJ_UNSTABLE;
                break;
            }
        }
        if (status == CMJ_OK && forward) {
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

int cmj_step(const mjModel *m, mjData *d, int nstep, char *error, int error_size) {
    return cmj_guarded_step(m, d, nstep, 1, error, error_size);
}

int cmj_step_raw(const mjModel *m, mjData *d, int nstep, char *error, int error_size) {
    return cmj_guarded_step(m, d, nstep, 0, error, error_size);
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

int cmj_version(void) { return mj_version(); }
