#pragma once
// FW_HOST_DEVICE marks a function that both a host compiler and nvcc compile: for the CPU it
// expands to nothing, under nvcc to __host__ __device__. The elementwise math
// (elementwise_ops.h) is written once with it, so every backend runs the same formulas.
#if defined(__CUDACC__)
#define FW_HOST_DEVICE __host__ __device__
#else
#define FW_HOST_DEVICE
#endif
