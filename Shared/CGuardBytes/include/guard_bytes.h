#ifndef PALISADE_GUARD_BYTES_H
#define PALISADE_GUARD_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// Classifies the bytes of folded text (lowercase ASCII, non-ASCII kept as UTF-8) into
/// bitmaps of one bit per byte: bit i % 64 of element i / 64 is byte i. Each bitmap has
/// (count + 63) / 64 elements; bits past `count` are zero.
///
/// - `words`: a-z, 0-9 and every byte of a non-ASCII scalar (the bytes a word is made of);
/// - `digits`: 0-9;
/// - `markers`: `<`, `[`, `(` and `!`, where structural markers can start.
///
/// Sixteen bytes at a time with SSE2 or NEON; byte by byte elsewhere.
void guard_classify_folded(const uint8_t *text, size_t count, uint64_t *words, uint64_t *digits, uint64_t *markers);

/// Folds ASCII text: A-Z lowercased; control characters other than tab, line feed and carriage
/// return, and DEL, made spaces; other bytes kept. Writes `count` bytes to `out`.
///
/// Also finds the runs of base64 and hex characters (A-Z, a-z, 0-9, `+`, `/`, `=`, `-`, `_`) at
/// least `minimum_run` long (1 to 64), and writes them to `runs` as pairs of start and end
/// offsets, returning how many it wrote. `runs` has room for `count / (minimum_run + 1) + 1`
/// pairs (runs are separated by at least one byte); `scratch` for `count / 64 + 2` elements.
size_t guard_fold_ascii(const uint8_t *text, size_t count, uint8_t *out, size_t minimum_run,
                        uint64_t *scratch, int64_t *runs);

/// Where the DLP scanner has something to look at in raw UTF-8, as bitmaps like those above
/// (each with (count + 63) / 64 elements, bits past `count` zero):
///
/// - `alphanumerics`: 0-9, A-Z, a-z;
/// - `starts`: `@ - : = + (`, and the first byte of each run of alphanumerics where a detector
///   can start: a digit; `A`; a capital followed by a capital and two digits; `sk rk wh gh gi xo
///   ey ho ht`; a hex digit with a colon in the next four bytes. With `every_word`, the first
///   byte of every run of alphanumerics (what the filter must agree with, in tests).
void guard_classify_dlp(const uint8_t *text, size_t count, _Bool every_word, uint64_t *alphanumerics, uint64_t *starts);

/// The offset of the first `"`, `'` or backquote at or after `from`, or `count` when there is
/// none. Sixteen bytes at a time with SSE2 or NEON.
size_t guard_find_quote(const uint8_t *text, size_t count, size_t from);

/// Whether `byte` occurs in the `count` bytes at `text` (the C library's vectorised memchr).
static inline _Bool guard_contains_byte(const uint8_t *text, size_t count, uint8_t byte) {
    return count > 0 && memchr(text, byte, count) != NULL;
}

/// The offset of the first `byte` at or after `from`, or `count` when there is none (memchr).
static inline size_t guard_find_byte(const uint8_t *text, size_t count, size_t from, uint8_t byte) {
    if (from >= count) return count;
    const uint8_t *found = memchr(text + from, byte, count - from);
    return found == NULL ? count : (size_t)(found - text);
}

/// `value` when `difference` is zero, else zero, as a conditional move: the optimizer is told
/// the condition is unpredictable, so it does not turn the selection into a branch (from
/// Swift, `difference == 0 ? value : 0` became a branch mispredicted on every other word).
static inline int32_t guard_select_if_zero(uint64_t difference, int32_t value) {
    return __builtin_unpredictable(difference == 0) ? value : 0;
}

/// `whenTrue` if `condition`, else `whenFalse`, as a conditional move (see above).
static inline int64_t guard_select(_Bool condition, int64_t whenTrue, int64_t whenFalse) {
    return __builtin_unpredictable(condition) ? whenTrue : whenFalse;
}

#endif
