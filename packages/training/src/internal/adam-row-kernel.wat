;; The fused engine's hot loop for a batch with two models, in WebAssembly SIMD (f32x4): for one row of W,
;;   t0 = W[h] . r0, t1 = W[h] . r1                      (old row)
;;   g  = b0 r0 + b1 r1 + wd W[h]                         (dW row plus L2 weight decay)
;;   m  = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
;;   W[h] = keep W[h] - step * m / (sqrt(v) * ib2 + eps)  (PyTorch's Adam, step = lr / bias1, ib2 = 1 / sqrt(bias2);
;;                                                        keep = 1 - lr wd for AdamW's decoupled decay, else 1 and wd the L2 term)
;; over `bytes` bytes (a multiple of 16), and stores t0, t1 as two f32 at `out`.
;; fold2: a0 += b0 W[h], a1 += b1 W[h] (the next step's folded vectors of two models, before their normalization).
;; dots: out[i] = delta . rows[i] for `count` rows of `bytes` bytes; accumulate: r += sum_i coefficients[i] rows[i].
;; Build: node scripts/build-kernel.mjs (writes adam-row-kernel.ts with the module's bytes).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func $sum (param $x v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x)))
      (f32.add (f32x4.extract_lane 2 (local.get $x)) (f32x4.extract_lane 3 (local.get $x)))))
  (func (export "adamRow")
    (param $w i32) (param $m i32) (param $v i32) (param $r0 i32) (param $r1 i32) (param $bytes i32) (param $out i32)
    (param $b0 f32) (param $b1 f32) (param $wd f32) (param $keep f32) (param $beta1 f32) (param $beta2 f32) (param $step f32) (param $ib2 f32) (param $eps f32)
    (local $i i32)
    (local $t0 v128) (local $t1 v128) (local $wv v128) (local $x0 v128) (local $x1 v128) (local $g v128) (local $mv v128) (local $vv v128)
    (local $B0 v128) (local $B1 v128) (local $WD v128) (local $BETA1 v128) (local $BETA2 v128) (local $OMB1 v128) (local $OMB2 v128)
    (local $STEP v128) (local $IB2 v128) (local $EPS v128) (local $KEEP v128)
    (local.set $KEEP (f32x4.splat (local.get $keep)))
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
          (f32x4.sub (f32x4.mul (local.get $wv) (local.get $KEEP))
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
        (br $rowLoop))))
  ;; Any number of models (the batched form, see fused-engine.ts): X = Q W^T, then dW = A^T M fused with Adam.
  ;; project: x[i * stride + h] = q[i] . w[h] for i < rows (a multiple of 4), h < hidden (a multiple of 2); rows of q
  ;; and w are `bytes` long (a multiple of 16). Blocks of 4 prompts x 2 rows of W: 8 accumulators, 6 loads per 32 MACs.
  (func (export "project")
    (param $q i32) (param $w i32) (param $x i32) (param $rows i32) (param $hidden i32) (param $xStride i32) (param $bytes i32)
    (local $i i32) (local $h i32) (local $d i32) (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $w0 i32) (local $w1 i32) (local $out i32) (local $stride i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $v0 v128) (local $v1 v128) (local $vq v128)
    (local.set $stride (i32.shl (local.get $xStride) (i32.const 2)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $q0 (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $q1 (i32.add (local.get $q0) (local.get $bytes)))
        (local.set $q2 (i32.add (local.get $q1) (local.get $bytes)))
        (local.set $q3 (i32.add (local.get $q2) (local.get $bytes)))
        (local.set $h (i32.const 0))
        (block $hDone
          (loop $hLoop
            (br_if $hDone (i32.ge_u (local.get $h) (local.get $hidden)))
            (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $h) (local.get $bytes))))
            (local.set $w1 (i32.add (local.get $w0) (local.get $bytes)))
            (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
            (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.const 0))
            (block $dDone
              (loop $dLoop
                (br_if $dDone (i32.ge_u (local.get $d) (local.get $bytes)))
                (local.set $v0 (v128.load (i32.add (local.get $w0) (local.get $d))))
                (local.set $v1 (v128.load (i32.add (local.get $w1) (local.get $d))))
                (local.set $vq (v128.load (i32.add (local.get $q0) (local.get $d))))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $vq) (local.get $v0))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $vq) (local.get $v1))))
                (local.set $vq (v128.load (i32.add (local.get $q1) (local.get $d))))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $vq) (local.get $v0))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $vq) (local.get $v1))))
                (local.set $vq (v128.load (i32.add (local.get $q2) (local.get $d))))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $vq) (local.get $v0))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $vq) (local.get $v1))))
                (local.set $vq (v128.load (i32.add (local.get $q3) (local.get $d))))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $vq) (local.get $v0))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $vq) (local.get $v1))))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (br $dLoop)))
            (local.set $out (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $xStride)) (local.get $h)) (i32.const 2))))
            (f32.store (local.get $out) (call $sum (local.get $a00)))
            (f32.store offset=4 (local.get $out) (call $sum (local.get $a01)))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (f32.store (local.get $out) (call $sum (local.get $a10)))
            (f32.store offset=4 (local.get $out) (call $sum (local.get $a11)))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (f32.store (local.get $out) (call $sum (local.get $a20)))
            (f32.store offset=4 (local.get $out) (call $sum (local.get $a21)))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (f32.store (local.get $out) (call $sum (local.get $a30)))
            (f32.store offset=4 (local.get $out) (call $sum (local.get $a31)))
            (local.set $h (i32.add (local.get $h) (i32.const 2)))
            (br $hLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop))))
  ;; scatter: r[slot of the winner] += g_i q_i, r[slot of the loser] -= g_i q_i for i < count (slots: two i32 byte
  ;; offsets into r per battle), the per-model gathering r_m = sum_i g_i s_im q_i.
  (func (export "scatter")
    (param $q i32) (param $coefficients i32) (param $slots i32) (param $count i32) (param $bytes i32) (param $r i32)
    (local $i i32) (local $d i32) (local $row i32) (local $win i32) (local $loss i32) (local $g v128) (local $x v128)
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $g (f32x4.splat (f32.load (i32.add (local.get $coefficients) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $win (i32.add (local.get $r) (i32.load (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $loss (i32.add (local.get $r) (i32.load offset=4 (i32.add (local.get $slots) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $row (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $d (i32.const 0))
        (block $dDone
          (loop $dLoop
            (br_if $dDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $x (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $row) (local.get $d)))))
            (v128.store (i32.add (local.get $win) (local.get $d)) (f32x4.add (v128.load (i32.add (local.get $win) (local.get $d))) (local.get $x)))
            (v128.store (i32.add (local.get $loss) (local.get $d)) (f32x4.sub (v128.load (i32.add (local.get $loss) (local.get $d))) (local.get $x)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $dLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop))))
  ;; adamOuter: the gradient of W as a batched outer product, G[h] = sum_{j < count} a[j * stride + h] m[j] for h <
  ;; hidden (a: count rows of `stride` coefficients, m: count rows of `bytes`), fused with Adam on W, mW, vW:
  ;;   g = G + l2 W;  m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  W = keep W - step m / (sqrt(v) ib2 + eps)
  ;; hidden a multiple of 4, bytes a multiple of 32. Blocks of 4 rows x 8 columns: 8 accumulators, per j 3 loads and
  ;; 4 lane broadcasts for 32 MACs; each block's 32 gradients go through `scratch` (128 bytes) into the Adam loop.
  (func (export "adamOuter")
    (param $a i32) (param $m i32) (param $count i32) (param $hidden i32) (param $aRowStride i32) (param $bytes i32) (param $w i32) (param $mw i32) (param $vw i32) (param $scratch i32)
    (param $l2 f32) (param $keep f32) (param $beta1 f32) (param $beta2 f32) (param $step f32) (param $ib2 f32) (param $eps f32)
    (local $h i32) (local $d i32) (local $j i32) (local $aj i32) (local $mj i32) (local $aStride i32) (local $k i32) (local $offset i32) (local $end i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $av v128) (local $m0 v128) (local $m1 v128) (local $s v128)
    (local $wv v128) (local $g v128) (local $mv v128) (local $vv v128)
    (local $L2 v128) (local $KEEP v128) (local $BETA1 v128) (local $BETA2 v128) (local $OMB1 v128) (local $OMB2 v128) (local $STEP v128) (local $IB2 v128) (local $EPS v128)
    (local.set $L2 (f32x4.splat (local.get $l2)))
    (local.set $KEEP (f32x4.splat (local.get $keep)))
    (local.set $BETA1 (f32x4.splat (local.get $beta1)))
    (local.set $BETA2 (f32x4.splat (local.get $beta2)))
    (local.set $OMB1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $OMB2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $STEP (f32x4.splat (local.get $step)))
    (local.set $IB2 (f32x4.splat (local.get $ib2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $aStride (i32.shl (local.get $aRowStride) (i32.const 2)))
    (block $hDone
      (loop $hLoop
        (br_if $hDone (i32.ge_u (local.get $h) (local.get $hidden)))
        (local.set $d (i32.const 0))
        (block $dDone
          (loop $dLoop
            (br_if $dDone (i32.ge_u (local.get $d) (local.get $bytes)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $aj (i32.add (local.get $a) (i32.shl (local.get $h) (i32.const 2))))
            (local.set $mj (i32.add (local.get $m) (local.get $d)))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $count)))
                (local.set $av (v128.load (local.get $aj)))
                (local.set $m0 (v128.load (local.get $mj)))
                (local.set $m1 (v128.load offset=16 (local.get $mj)))
                (local.set $s (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $av) (local.get $av)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $m0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $m1))))
                (local.set $s (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $av) (local.get $av)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $m0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $m1))))
                (local.set $s (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $av) (local.get $av)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $m0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $m1))))
                (local.set $s (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $av) (local.get $av)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $m0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $m1))))
                (local.set $aj (i32.add (local.get $aj) (local.get $aStride)))
                (local.set $mj (i32.add (local.get $mj) (local.get $bytes)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))
            (v128.store offset=0 (local.get $scratch) (local.get $c00))
            (v128.store offset=16 (local.get $scratch) (local.get $c01))
            (v128.store offset=32 (local.get $scratch) (local.get $c10))
            (v128.store offset=48 (local.get $scratch) (local.get $c11))
            (v128.store offset=64 (local.get $scratch) (local.get $c20))
            (v128.store offset=80 (local.get $scratch) (local.get $c21))
            (v128.store offset=96 (local.get $scratch) (local.get $c30))
            (v128.store offset=112 (local.get $scratch) (local.get $c31))
            ;; Adam on the block: k = 0..7 walks (row h + k/2, columns d + 16 (k%2) bytes).
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $k) (i32.const 8)))
                (local.set $offset
                  (i32.add
                    (i32.mul (i32.add (local.get $h) (i32.shr_u (local.get $k) (i32.const 1))) (local.get $bytes))
                    (i32.add (local.get $d) (i32.shl (i32.and (local.get $k) (i32.const 1)) (i32.const 4)))))
                (local.set $wv (v128.load (i32.add (local.get $w) (local.get $offset))))
                (local.set $g
                  (f32x4.add (v128.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 4)))) (f32x4.mul (local.get $L2) (local.get $wv))))
                (local.set $mv
                  (f32x4.add (f32x4.mul (local.get $BETA1) (v128.load (i32.add (local.get $mw) (local.get $offset)))) (f32x4.mul (local.get $OMB1) (local.get $g))))
                (local.set $vv
                  (f32x4.add
                    (f32x4.mul (local.get $BETA2) (v128.load (i32.add (local.get $vw) (local.get $offset))))
                    (f32x4.mul (local.get $OMB2) (f32x4.mul (local.get $g) (local.get $g)))))
                (v128.store (i32.add (local.get $mw) (local.get $offset)) (local.get $mv))
                (v128.store (i32.add (local.get $vw) (local.get $offset)) (local.get $vv))
                (v128.store (i32.add (local.get $w) (local.get $offset))
                  (f32x4.sub (f32x4.mul (local.get $wv) (local.get $KEEP))
                    (f32x4.div (f32x4.mul (local.get $STEP) (local.get $mv))
                      (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $IB2)) (local.get $EPS)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kLoop)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (br $dLoop)))
        (local.set $h (i32.add (local.get $h) (i32.const 4)))
        (br $hLoop)))))
