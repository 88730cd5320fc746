// Open MPI (libopenmpi-dev), found with pkg-config (ompi-c). Its handles (MPI_COMM_WORLD, MPI_DOUBLE, the error
// handlers, MPI_IN_PLACE) are macros over addresses of library globals, which Swift does not import; the static
// inline functions below return them.
#include <mpi.h>

static inline MPI_Comm mbmpo_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mbmpo_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype mbmpo_mpi_int(void) { return MPI_INT; }
static inline MPI_Errhandler mbmpo_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int mbmpo_mpi_success(void) { return MPI_SUCCESS; }
static inline int mbmpo_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int mbmpo_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
