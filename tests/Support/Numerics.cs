using TorchSharp;
using static TorchSharp.torch;

namespace Verify.TestSupport;

/// <summary>Turns tensor comparisons into plain numbers, so assertions never hold tensors.</summary>
public static class Numerics
{
    /// <summary>||a - b||_F / max(||b||_F, tiny): the relative Frobenius error of <paramref name="actual"/> against <paramref name="expected"/>.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var diff = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).norm().item<double>();
        var scale = expected.to(ScalarType.Float64).norm().item<double>();
        return diff / Math.Max(scale, 1e-300);
    }

    public static double MaxAbs(Tensor t)
    {
        using var a = t.abs().max();
        return a.to(ScalarType.Float64).item<double>();
    }

    public static string Describe(double[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
