/* GLFW 3.3 (Debian libglfw3-dev) and the legacy OpenGL header, for the interactive viewer. */
#ifndef MBMPO_CGLFW_SHIM_H
#define MBMPO_CGLFW_SHIM_H
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#endif
