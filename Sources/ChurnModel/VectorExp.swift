/// `exp(x)` for eight lanes at once, accurate to about one ulp for x in [-708, 0].
///
/// The RBF kernel evaluates one exponential per support vector; glibc's scalar `exp`
/// would cost more than all the distance arithmetic, so the kernel uses this instead.
/// Cody–Waite range reduction x = n·ln2 + r with |r| ≤ ln2/2, then a degree-13 Taylor
/// polynomial (truncation error below 1e-17), then scaling by 2ⁿ through the exponent bits.
@inlinable
@inline(__always)
func vectorExp(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let log2e = 1.4426950408889634
    let ln2Hi = 6.93147180369123816490e-01
    let ln2Lo = 1.90821492927058770002e-10
    let clamped = x.replacing(with: -708, where: x .< -708)
    let n = (clamped * log2e).rounded(.toNearestOrEven)
    var r = clamped - n * ln2Hi
    r = r - n * ln2Lo
    // Horner on 1 + r + r²/2! + … + r¹³/13!
    var p = SIMD8<Double>(repeating: 1.0 / 6227020800.0)
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    // 2ⁿ: n + 1023 in the exponent field. n ≥ -1022 after the clamp, so no subnormals are needed.
    let biased = SIMD8<Int64>(n, rounding: .towardZero) &+ 1023
    let scale = unsafeBitCast(biased &<< 52, to: SIMD8<Double>.self)
    return p * scale
}
