#pragma once
// FW_CPU_CLONES before a function definition compiles it twice, for the portable baseline
// (x86-64-v2, SSE4.2) and for x86-64-v3 (AVX2), and picks the version for the CPU it runs on
// when the program starts (GCC's target_clones, through a glibc ifunc). For the hot per-element
// loops of the fused kernels: the same source, vectorised twice as wide where the CPU allows.
// Off with clang, before GCC 12, without glibc, and in FW_NATIVE builds (which compile
// everything for the machine they run on already).
//
// The build compiles with -ffp-contract=off, so that the AVX2 version uses no fused multiply-add
// the baseline lacks: both versions compute every value bitwise the same (vectorised loops are
// elementwise; reductions stay in source order).
#include <cstdint>  // defines __GLIBC__ on glibc

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && defined(__x86_64__) && defined(__GLIBC__) && \
    !defined(FW_NO_CLONES)
#define FW_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FW_CPU_CLONES
#endif
