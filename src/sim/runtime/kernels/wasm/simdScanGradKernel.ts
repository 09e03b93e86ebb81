/**
 * The backward of the Mamba-1 selective scan as a WebAssembly SIMD kernel (f32x4 over the state n, like the forward in
 * `simdScanKernels.ts`, assembled in the same module). The reverse-time recurrence of `scan/scanBackward.ts`:
 * per channel, recompute the forward states h_t and decays a_t = exp(Δ_t·A) into scratch rows, then walk back:
 *   g ← g + C_t·dy_t;  dC_t += dy_t·h_t;  dB_t += g·Δ_t·u_t;  du_t = Δ_t·Σ_n g·B_t;
 *   dΔ_t = Σ_n g·(B_t·u_t + A·a_t·h_{t−1});  dA += g·Δ_t·a_t·h_{t−1};  g ← a_t·g.
 *
 * selectiveGrad(L, C, G, perGroup, u, delta, A, B, Cm, dy, dState, hs, as, g, du, dDelta, dA, dB, dC), one batch row,
 * a state of N4 floats: u, delta, dy, du, dDelta (L, C); A, dState, dA (C, N4); B, Cm, dB, dC (L, G, N4); scratch
 * hs ((L + 1), N4), as (L, N4), g (N4). dA, dB and dC are accumulated into (the caller zeroes them); du and dDelta
 * are written. Loops count forward; the backward walk steps its pointers by negative strides (i32 wraps).
 */
import { FunctionBuilder, type Local } from './assembler';
import { emitExp4, emitLaneSum, emitRowSteps, expConstants } from './simdScanKernels';

export function selectiveGradKernel(N4: number): FunctionBuilder {
  const f = new FunctionBuilder('selectiveGrad', Array<'i32'>(19).fill('i32'));
  const [L, C, G, perGroup, pU, pD, pA, pB, pC, pDY, pG0, pHs, pAs, pG, pDU, pDD, pDA, pDB, pDC] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const nBytes = N4 * 4;
  const k = expConstants(f);
  const t = f.local('i32'), g = f.local('i32'), c = f.local('i32'), cEnd = f.local('i32'), nb = f.local('i32');
  const idx = f.local('i32'), rowStep = f.local('i32'), bcStep = f.local('i32'), negRow = f.local('i32'), negBc = f.local('i32');
  const aOff = f.local('i32'), daOff = f.local('i32'), g0Off = f.local('i32'), gOff = f.local('i32');
  const bOff = f.local('i32'), cOff = f.local('i32'), dbOff = f.local('i32'), dcOff = f.local('i32');
  const hOff = f.local('i32'), hNext = f.local('i32'), asOff = f.local('i32'), last = f.local('i32');
  const dt = f.local('f32'), uu = f.local('f32');
  const dtv = f.local('v128'), duv = f.local('v128'), uv = f.local('v128'), dyv = f.local('v128');
  const av = f.local('v128'), hv = f.local('v128'), gv = f.local('v128'), bv = f.local('v128'), ah = f.local('v128');
  const accU = f.local('v128'), accD = f.local('v128');
  const ey = f.local('v128'), en = f.local('v128'), ef = f.local('v128');
  const zero = f.local('v128');
  f.f32(0).f32x4Splat().set(zero);
  f.get(C).i32(4).i32Mul().set(rowStep);
  f.get(G).i32(nBytes).i32Mul().set(bcStep);
  f.get(rowStep).i32(-1).i32Mul().set(negRow);
  f.get(bcStep).i32(-1).i32Mul().set(negBc);
  f.get(L).i32(-1).i32Add().set(last);
  f.get(pG).set(gOff);
  f.forRange(g, () => f.i32(0), () => f.get(G), 1, () => {
    f.get(g).i32(1).i32Add().get(perGroup).i32Mul().set(cEnd);
    f.forRange(c, () => f.get(g).get(perGroup).i32Mul(), () => f.get(cEnd), 1, () => {
      f.get(c).i32(nBytes).i32Mul().tee(aOff).get(pDA).i32Add().set(daOff);
      f.get(aOff).get(pG0).i32Add().set(g0Off);
      f.get(aOff).get(pA).i32Add().set(aOff);
      // 1. forward recompute: hs row 0 = 0, then hs row t+1 = a_t·hs row t + Δ_t·u_t·B_t, with a_t kept in as row t
      f.get(pHs).set(hOff);
      emitRowSteps(f, N4, nb, (at) => {
        const o = at(hOff);
        f.get(zero).v128Store(o);
      });
      f.get(c).i32(4).i32Mul().set(idx);
      f.get(g).i32(nBytes).i32Mul().get(pB).i32Add().set(bOff);
      f.get(pAs).set(asOff);
      f.forRange(t, () => f.i32(0), () => f.get(L), 1, () => {
        f.get(pD).get(idx).i32Add().f32Load().tee(dt).f32x4Splat().set(dtv);
        f.get(dt).get(pU).get(idx).i32Add().f32Load().f32Mul().f32x4Splat().set(duv);
        f.get(hOff).i32(nBytes).i32Add().set(hNext);
        emitRowSteps(f, N4, nb, (at) => {
          f.get(dtv);
          f.v128Load(at(aOff)).f32x4Mul();
          emitExp4(f, k, ey, en, ef);
          f.set(av);
          const oa = at(asOff);
          f.get(av).v128Store(oa);
          f.get(av);
          f.v128Load(at(hOff)).f32x4Mul();
          f.get(duv);
          f.v128Load(at(bOff)).f32x4Mul().f32x4Add().set(hv);
          const oh = at(hNext);
          f.get(hv).v128Store(oh);
        });
        f.get(idx).get(rowStep).i32Add().set(idx);
        f.get(bOff).get(bcStep).i32Add().set(bOff);
        f.get(hNext).set(hOff);
        f.get(asOff).i32(nBytes).i32Add().set(asOff);
      });
      // 2. g = dState row
      emitRowSteps(f, N4, nb, (at) => {
        f.v128Load(at(g0Off)).set(gv);
        const o = at(gOff);
        f.get(gv).v128Store(o);
      });
      // 3. backward walk from t = L − 1: every pointer starts at its last row and steps by a negative stride
      f.get(c).i32(4).i32Mul().get(last).get(rowStep).i32Mul().i32Add().set(idx);
      f.get(g).i32(nBytes).i32Mul().get(last).get(bcStep).i32Mul().i32Add().tee(bOff).get(pC).i32Add().set(cOff);
      f.get(bOff).get(pDB).i32Add().set(dbOff);
      f.get(bOff).get(pDC).i32Add().set(dcOff);
      f.get(bOff).get(pB).i32Add().set(bOff);
      f.get(last).i32(nBytes).i32Mul().tee(hOff).get(pAs).i32Add().set(asOff);
      f.get(hOff).get(pHs).i32Add().set(hOff);
      f.forRange(t, () => f.i32(0), () => f.get(L), 1, () => {
        f.get(pD).get(idx).i32Add().f32Load().tee(dt).f32x4Splat().set(dtv);
        f.get(pU).get(idx).i32Add().f32Load().tee(uu).f32x4Splat().set(uv);
        f.get(dt).get(uu).f32Mul().f32x4Splat().set(duv);
        f.get(pDY).get(idx).i32Add().f32Load().f32x4Splat().set(dyv);
        f.get(hOff).i32(nBytes).i32Add().set(hNext);
        f.get(zero).set(accU);
        f.get(zero).set(accD);
        emitRowSteps(f, N4, nb, (at) => {
          // g += C_t·dy_t
          f.v128Load(at(gOff));
          f.v128Load(at(cOff)).get(dyv).f32x4Mul().f32x4Add().set(gv);
          // dC_t += dy_t·h_t
          f.v128Load(at(dcOff));
          f.v128Load(at(hNext)).get(dyv).f32x4Mul().f32x4Add();
          f.set(hv);
          const odc = at(dcOff);
          f.get(hv).v128Store(odc);
          // dB_t += g·Δ_t·u_t
          f.v128Load(at(dbOff)).get(gv).get(duv).f32x4Mul().f32x4Add().set(hv);
          const odb = at(dbOff);
          f.get(hv).v128Store(odb);
          // accU += g·B_t; ah = a_t·h_{t−1}; accD += g·(B_t·u_t + A·ah)
          f.v128Load(at(bOff)).set(bv);
          f.get(accU).get(gv).get(bv).f32x4Mul().f32x4Add().set(accU);
          f.v128Load(at(asOff)).set(av);
          f.get(av);
          f.v128Load(at(hOff)).f32x4Mul().set(ah);
          f.get(accD).get(gv).get(bv).get(uv).f32x4Mul();
          f.v128Load(at(aOff)).get(ah).f32x4Mul().f32x4Add().f32x4Mul().f32x4Add().set(accD);
          // dA += g·Δ_t·ah
          f.v128Load(at(daOff)).get(gv).get(dtv).f32x4Mul().get(ah).f32x4Mul().f32x4Add().set(hv);
          const oda = at(daOff);
          f.get(hv).v128Store(oda);
          // g = a_t·g
          f.get(gv).get(av).f32x4Mul().set(gv);
          const og = at(gOff);
          f.get(gv).v128Store(og);
        });
        f.get(pDU).get(idx).i32Add();
        emitLaneSum(f, accU);
        f.get(dt).f32Mul().f32Store();
        f.get(pDD).get(idx).i32Add();
        emitLaneSum(f, accD);
        f.f32Store();
        f.get(idx).get(negRow).i32Add().set(idx);
        for (const p of [bOff, cOff, dbOff, dcOff]) f.get(p).get(negBc).i32Add().set(p);
        f.get(hOff).i32(-nBytes).i32Add().set(hOff);
        f.get(asOff).i32(-nBytes).i32Add().set(asOff);
      });
    });
  });
  return f;
}
