;; Column sums of a row-major float32 matrix in the tfjs wasm heap, for core's
;; wasm `Sum` over leading axes (the gradient of a broadcast bias add), with
;; 128-bit SIMD.
;;
;; out[c] = x[0, c] + x[1, c] + … + x[R−1, c], for c < C, starting from 0 and
;; adding the rows in order, in float32 (tfjs-backend-wasm's `Sum` transposes
;; the reduced axes innermost first; its results differ from these by float32
;; rounding only). The output row stays in the cache while the rows of x stream
;; through once; four columns per SIMD lane group, the last C mod 4 columns one
;; at a time. NaN and ±Inf propagate.
;;
;; Assembled by `node tools/wasm/assemble.mjs` into column-sum.wasm.ts (a test
;; checks that the committed bytes are this file's).
(module
  (import "env" "memory" (memory 0))
  (func (export "columnSum") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $c i32) (local $r i32) (local $row i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    ;; out = 0
    (local.set $c (i32.const 0))
    (block $zero_done
      (loop $zero
        (br_if $zero_done (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $out) (local.get $c)) (f32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $zero)))
    ;; out += row, for each row in order
    (local.set $row (local.get $x))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $c) (local.get $vecBytes)))
            (v128.store align=4 (i32.add (local.get $out) (local.get $c))
              (f32x4.add
                (v128.load align=4 (i32.add (local.get $out) (local.get $c)))
                (v128.load align=4 (i32.add (local.get $row) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $c))
              (f32.add
                (f32.load (i32.add (local.get $out) (local.get $c)))
                (f32.load (i32.add (local.get $row) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tail)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop)))
  )
)
