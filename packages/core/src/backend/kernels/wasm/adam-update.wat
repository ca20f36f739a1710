;; The fused Adam(W) step of core's `adamUpdate`, for tfjs-backend-wasm, with
;; 128-bit SIMD (four float32 lanes per instruction).
;;
;; It imports the tfjs wasm backend's own memory, so it reads and writes the
;; tensors in place, by their byte offsets in the wasm heap (no copies).
;;
;; Notation: g gradient, m/v moments, p parameter, all float32 arrays of n
;; elements at byte offsets; the step's scalars b1, c1 = 1 − b1, b2, c2 = 1 − b2,
;; a (step size), e (ε̂) and d (decay factor):
;;
;;   m′ = b1·m + c1·g;  v′ = b2·v + c2·g²;  u = a·m′ / (√v′ + e) + d·p
;;
;; written to m2, v2 and u. Without decay, pass d = 0 and p = g (0·g adds
;; nothing to a finite u; a non-finite g makes u NaN either way).
;; Arithmetic is float32 throughout, as tfjs' op-by-op composition, but
;; rounded once per operation of this formula and without temporaries.
;;
;; Assembled by `node tools/wasm/assemble.mjs` into adam-update.wasm.ts
;; (a test checks that the committed bytes are this file's).
(module
  (import "env" "memory" (memory 0))
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $p i32)
    (param $u i32) (param $m2 i32) (param $v2 i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $a f32) (param $e f32) (param $d f32)
    (local $i i32) (local $end i32) (local $vend i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $A v128) (local $E v128) (local $D v128)
    (local $gg v128) (local $mm v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $E (f32x4.splat (local.get $e)))
    (local.set $D (f32x4.splat (local.get $d)))
    ;; byte counts: all of it, and the part in whole 16-byte vectors
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $simd_done
      (loop $simd
        (br_if $simd_done (i32.ge_u (local.get $i) (local.get $vend)))
        (local.set $gg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $mm
          (f32x4.add
            (f32x4.mul (local.get $B1) (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
            (f32x4.mul (local.get $C1) (local.get $gg))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (local.get $B2) (v128.load align=4 (i32.add (local.get $v) (local.get $i))))
            (f32x4.mul (local.get $C2) (f32x4.mul (local.get $gg) (local.get $gg)))))
        (v128.store align=4 (i32.add (local.get $m2) (local.get $i)) (local.get $mm))
        (v128.store align=4 (i32.add (local.get $v2) (local.get $i)) (local.get $vv))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i))
          (f32x4.add
            (f32x4.div
              (f32x4.mul (local.get $A) (local.get $mm))
              (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $E)))
            (f32x4.mul (local.get $D) (v128.load align=4 (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $simd)))
    ;; the last n mod 4 elements, one at a time, same arithmetic
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms
          (f32.add
            (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $i))))
            (f32.mul (local.get $c1) (local.get $gs))))
        (local.set $vs
          (f32.add
            (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $i))))
            (f32.mul (local.get $c2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m2) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $v2) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $u) (local.get $i))
          (f32.add
            (f32.div
              (f32.mul (local.get $a) (local.get $ms))
              (f32.add (f32.sqrt (local.get $vs)) (local.get $e)))
            (f32.mul (local.get $d) (f32.load (i32.add (local.get $p) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))
)
