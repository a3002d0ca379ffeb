namespace Verify.TestSupport;

/// <summary>
/// Every numerical tolerance of the suite, in one table, each with where it comes from.
/// </summary>
public static class Tolerances
{
    /// <summary>
    /// Two float64 computations of the same quantity by different formulas (closed form, recursion,
    /// back-propagation, autograd): a few hundred ulps of round-off on sums of ~10^3 products,
    /// so 1e-10 relative error leaves two orders of magnitude of head-room over what is observed
    /// (about 1e-14 to 1e-13 on the seeds in the tests).
    /// </summary>
    public const double Float64Identity = 1e-10;

    /// <summary>The same identity in float32: 24-bit mantissa, about 1e-6 per product, 1e-4 on sums.</summary>
    public const double Float32Identity = 1e-4;

    /// <summary>
    /// "Exactly zero" for a loss or gradient of the exact-fit construction in float64: the output
    /// is a sum of O(n) products of O(1) numbers, each with relative error 2^-53 ~ 1e-16, so values
    /// below 1e-9 are round-off; the perturbed control sits many orders above (about 1e-3).
    /// </summary>
    public const double Float64Zero = 1e-9;

    /// <summary>
    /// The same float64 training run on CPU and CUDA: kernels sum in different orders, so round-off
    /// (1e-16 relative per operation) grows over 500 steps of a contracting iteration to about
    /// 1e-12; 1e-8 relative leaves ample head-room while still catching any real device bug.
    /// </summary>
    public const double DeviceAgreement = 1e-8;

    /// <summary>The paper's coverage threshold tau for "a student node specializes to teacher j" (success-rate figure).</summary>
    public const double SpecializationCorrelation = 0.95;

    /// <summary>Cosine of augmented weight vectors above which a student node counts as aligned with a teacher node.</summary>
    public const double AlignedCosine = 0.95;
}
