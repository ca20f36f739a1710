;; Σ x² of a float32 array in the tfjs wasm heap, for core's `packSquaredNorm`,
;; with 128-bit SIMD.
;;
;; Blocks of 1,024 elements are squared and summed in float32 by four
;; independent float32x4 accumulators (16 elements per iteration, so the adds
;; do not wait on each other); each block's partial sum is then added to a
;; float64 total. Every float32 partial sums at most 64 squares, so the
;; rounding error stays within about 64 float32 ulps of a block, and the total
;; does not lose blocks of small terms after a large one. A square above
;; float32's range (|x| > 1.8e19) is +Inf; NaN and ±Inf propagate.
;;
;; Assembled by `node tools/wasm/assemble.mjs` into sum-of-squares.wasm.ts
;; (a test checks that the committed bytes are this file's).
(module
  (import "env" "memory" (memory 0))
  (func (export "sumOfSquares") (param $x i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $blockEnd i32) (local $vend i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128)
    (local $total f64) (local $t f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    ;; the part in whole 64-byte (16-element) groups
    (local.set $vend (i32.and (local.get $end) (i32.const -64)))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $i) (local.get $vend)))
        ;; one block: up to 4096 bytes (1,024 elements), in 64-byte steps
        (local.set $blockEnd (i32.add (local.get $i) (i32.const 4096)))
        (if (i32.gt_u (local.get $blockEnd) (local.get $vend)) (then (local.set $blockEnd (local.get $vend))))
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0))
        (local.set $a3 (v128.const f32x4 0 0 0 0))
        (block $group_done
          (loop $group
            (br_if $group_done (i32.ge_u (local.get $i) (local.get $blockEnd)))
            (local.set $v (v128.load align=4 (i32.add (local.get $x) (local.get $i))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $v (v128.load offset=16 align=4 (i32.add (local.get $x) (local.get $i))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $v (v128.load offset=32 align=4 (i32.add (local.get $x) (local.get $i))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $v (v128.load offset=48 align=4 (i32.add (local.get $x) (local.get $i))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $group)))
        ;; the block's 16 partial sums, added in float64
        (local.set $v (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
        (local.set $total
          (f64.add (local.get $total)
            (f64.add
              (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
              (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))))
        (br $blocks)))
    ;; the last n mod 16 elements, squared in float32 and added in float64
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f32.load (i32.add (local.get $x) (local.get $i))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32.mul (local.get $t) (local.get $t)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
    (local.get $total))
)
