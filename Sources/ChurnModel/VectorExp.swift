/// `exp(x)` on eight lanes, accurate to about one ulp for x ≤ 0 (results below e⁻⁷⁰⁸ are
/// flushed to a tiny normal number, far below anything that moves a decision value).
///
/// glibc's `exp` is an opaque call per support vector and would cost more than all the distance
/// arithmetic; this branch-free version keeps the whole kernel in vector registers.
/// Cody–Waite range reduction x = n·ln2 + r with |r| ≤ ln2/2, a degree-13 Taylor polynomial
/// (truncation error below 1e-17) by fused multiply-adds, then 2ⁿ through the exponent bits.
@inlinable
@inline(__always)
func kernelExp(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let clamped = x.replacing(with: -708.0, where: x .< -708.0)
    // Round to nearest by adding 1.5·2⁵²: exact for |n| < 2⁵¹ and free of calls.
    let shifter = SIMD8<Double>(repeating: 6755399441055744.0)
    let shifted = shifter.addingProduct(clamped, 1.4426950408889634)
    let n = shifted - shifter
    var r = clamped.addingProduct(n, -6.93147180369123816490e-01)
    r = r.addingProduct(n, -1.90821492927058770002e-10)
    var p = SIMD8<Double>(repeating: 1.0 / 6227020800.0)
    p = SIMD8(repeating: 1.0 / 479001600.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 39916800.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 3628800.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 362880.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 40320.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 5040.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 720.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 120.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 24.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0 / 6.0).addingProduct(p, r)
    p = SIMD8(repeating: 0.5).addingProduct(p, r)
    p = SIMD8(repeating: 1.0).addingProduct(p, r)
    p = SIMD8(repeating: 1.0).addingProduct(p, r)
    // The low mantissa bits of `shifted` hold n in two's complement; n ≥ -1022 after the clamp,
    // so n + 1023 is a valid biased exponent.
    let bits = (unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- unsafeBitCast(shifter, to: SIMD8<UInt64>.self)
        &+ 1023) &<< 52
    return p * unsafeBitCast(bits, to: SIMD8<Double>.self)
}
