using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// The arithmetic of the rectifier family sigma(u) = max(u, c u) that both step implementations share:
/// the gate's two values, written once. The open value is (1 - c) * 1 + c in the dtype, as libtorch
/// computes the gate tensor (1 - c) [u &gt; 0] + c (<see cref="TorchStepOps.Gate"/>), so that a pass over
/// host memory multiplies by the very same number.
/// </summary>
internal static class Rectifier
{
    /// <summary>sigma'(u) where u &gt; 0 for slope c, rounded as the dtype rounds it (float32 or float64).</summary>
    public static double Open(double slope, ScalarType dtype) =>
        slope == 0.0 ? 1.0
        : dtype == ScalarType.Float32 ? (float)(1.0 - slope) + (float)slope
        : 1.0 - slope + slope;
}
