;; The fused engine's hot loop for a batch with two models, in WebAssembly SIMD (f32x4): for one row of W,
;;   t0 = W[h] . r0, t1 = W[h] . r1                      (old row)
;;   g  = b0 r0 + b1 r1 + wd W[h]                         (dW row plus L2 weight decay)
;;   m  = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
;;   W[h] -= step * m / (sqrt(v) * ib2 + eps)             (PyTorch's Adam, step = lr / bias1, ib2 = 1 / sqrt(bias2))
;; over `bytes` bytes (a multiple of 16), and stores t0, t1 as two f32 at `out`.
;; fold2: a0 += b0 W[h], a1 += b1 W[h] (the next step's folded vectors of two models, before their normalization).
;; dots: out[i] = delta . rows[i] for `count` rows of `bytes` bytes; accumulate: r += sum_i coefficients[i] rows[i].
;; Build: node scripts/build-kernel.mjs (writes adam-row-kernel.ts with the module's bytes).
(module
  (memory (export "memory") 1)
  (func $sum (param $x v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x)))
      (f32.add (f32x4.extract_lane 2 (local.get $x)) (f32x4.extract_lane 3 (local.get $x)))))
  (func (export "adamRow")
    (param $w i32) (param $m i32) (param $v i32) (param $r0 i32) (param $r1 i32) (param $bytes i32) (param $out i32)
    (param $b0 f32) (param $b1 f32) (param $wd f32) (param $beta1 f32) (param $beta2 f32) (param $step f32) (param $ib2 f32) (param $eps f32)
    (local $i i32)
    (local $t0 v128) (local $t1 v128) (local $wv v128) (local $x0 v128) (local $x1 v128) (local $g v128) (local $mv v128) (local $vv v128)
    (local $B0 v128) (local $B1 v128) (local $WD v128) (local $BETA1 v128) (local $BETA2 v128) (local $OMB1 v128) (local $OMB2 v128)
    (local $STEP v128) (local $IB2 v128) (local $EPS v128)
    (local.set $B0 (f32x4.splat (local.get $b0)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $WD (f32x4.splat (local.get $wd)))
    (local.set $BETA1 (f32x4.splat (local.get $beta1)))
    (local.set $BETA2 (f32x4.splat (local.get $beta2)))
    (local.set $OMB1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $OMB2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $STEP (f32x4.splat (local.get $step)))
    (local.set $IB2 (f32x4.splat (local.get $ib2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $t0 (f32x4.splat (f32.const 0)))
    (local.set $t1 (f32x4.splat (f32.const 0)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $i))))
        (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $i))))
        (local.set $t0 (f32x4.add (local.get $t0) (f32x4.mul (local.get $wv) (local.get $x0))))
        (local.set $t1 (f32x4.add (local.get $t1) (f32x4.mul (local.get $wv) (local.get $x1))))
        (local.set $g
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $B0) (local.get $x0)) (f32x4.mul (local.get $B1) (local.get $x1)))
            (f32x4.mul (local.get $WD) (local.get $wv))))
        (local.set $mv
          (f32x4.add (f32x4.mul (local.get $BETA1) (v128.load (i32.add (local.get $m) (local.get $i)))) (f32x4.mul (local.get $OMB1) (local.get $g))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (local.get $BETA2) (v128.load (i32.add (local.get $v) (local.get $i))))
            (f32x4.mul (local.get $OMB2) (f32x4.mul (local.get $g) (local.get $g)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $w) (local.get $i))
          (f32x4.sub (local.get $wv)
            (f32x4.div (f32x4.mul (local.get $STEP) (local.get $mv))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $IB2)) (local.get $EPS)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $loop)))
    (f32.store (local.get $out) (call $sum (local.get $t0)))
    (f32.store offset=4 (local.get $out) (call $sum (local.get $t1))))
  (func (export "fold2")
    (param $w i32) (param $a0 i32) (param $a1 i32) (param $bytes i32) (param $b0 f32) (param $b1 f32)
    (local $i i32) (local $wv v128) (local $B0 v128) (local $B1 v128)
    (local.set $B0 (f32x4.splat (local.get $b0)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $i))))
        (v128.store (i32.add (local.get $a0) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $a0) (local.get $i))) (f32x4.mul (local.get $B0) (local.get $wv))))
        (v128.store (i32.add (local.get $a1) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $a1) (local.get $i))) (f32x4.mul (local.get $B1) (local.get $wv))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $loop))))
  (func (export "dots")
    (param $rows i32) (param $count i32) (param $bytes i32) (param $delta i32) (param $out i32)
    (local $row i32) (local $i i32) (local $base i32) (local $sum v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $base (i32.add (local.get $rows) (i32.mul (local.get $row) (local.get $bytes))))
        (local.set $sum (f32x4.splat (f32.const 0)))
        (local.set $i (i32.const 0))
        (block $done
          (loop $loop
            (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (f32x4.mul (v128.load (i32.add (local.get $base) (local.get $i))) (v128.load (i32.add (local.get $delta) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $loop)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2))) (call $sum (local.get $sum)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))
  (func (export "accumulate")
    (param $rows i32) (param $count i32) (param $bytes i32) (param $coefficients i32) (param $r i32)
    (local $row i32) (local $i i32) (local $base i32) (local $k v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $base (i32.add (local.get $rows) (i32.mul (local.get $row) (local.get $bytes))))
        (local.set $k (f32x4.splat (f32.load (i32.add (local.get $coefficients) (i32.shl (local.get $row) (i32.const 2))))))
        (local.set $i (i32.const 0))
        (block $done
          (loop $loop
            (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
            (v128.store (i32.add (local.get $r) (local.get $i))
              (f32x4.add (v128.load (i32.add (local.get $r) (local.get $i)))
                (f32x4.mul (local.get $k) (v128.load (i32.add (local.get $base) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $loop)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop)))))
