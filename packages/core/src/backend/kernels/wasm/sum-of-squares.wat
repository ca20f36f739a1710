;; Σ x² of a float32 array in the tfjs wasm heap, for core's `packSquaredNorm`,
;; with 128-bit SIMD: each float32 is widened to float64 before it is squared
;; and summed (two float64x2 accumulators), so the sum does not overflow or lose
;; the small terms where a float32 sum would. NaN and ±Inf propagate.
;;
;; Assembled by `node tools/wasm/assemble.mjs` into sum-of-squares.wasm.ts
;; (a test checks that the committed bytes are this file's).
(module
  (import "env" "memory" (memory 0))
  (func (export "sumOfSquares") (param $x i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $vend i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $acc0 v128) (local $acc1 v128)
    (local $s f64) (local $t f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $i) (local.get $vend)))
        (local.set $v (v128.load align=4 (i32.add (local.get $x) (local.get $i))))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        ;; lanes 2, 3 moved to lanes 0, 1, then widened
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $simd)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (local.get $s))
)
