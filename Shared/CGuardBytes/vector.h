#ifndef PALISADE_GUARD_VECTOR_H
#define PALISADE_GUARD_VECTOR_H

// What the classifiers share: the vector unit's header and two helpers for it. Each classifier
// has a version for SSE2, one for NEON and a scalar one for other machines.

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/// Bytes of `v` in `low ..< low + size`, as all ones.
static inline __m128i in_range(__m128i v, char low, char size) {
    // An unsigned range test as one signed comparison: shift the range's start to -128.
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - low))), _mm_set1_epi8((char)(-128 + size)));
}

#elif defined(__ARM_NEON)
#include <arm_neon.h>

/// The top bit of each of 16 bytes, as 16 bits (NEON has no movemask).
static inline uint32_t movemask16(uint8x16_t mask) {
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t bits = vandq_u8(mask, vld1q_u8(weights));
    return (uint32_t)vaddv_u8(vget_low_u8(bits)) | (uint32_t)vaddv_u8(vget_high_u8(bits)) << 8;
}

/// Bytes of `v` in `low ..< low + size`, as all ones.
static inline uint8x16_t in_range(uint8x16_t v, uint8_t low, uint8_t size) {
    return vcltq_u8(vsubq_u8(v, vdupq_n_u8(low)), vdupq_n_u8(size));
}

#endif

#endif
