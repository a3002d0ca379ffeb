using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Analysis;

/// <summary>Pearson correlation between the columns of two activation matrices.</summary>
public static class Correlation
{
    /// <summary>Below this standard deviation a node counts as constant and correlates 0 with everything.</summary>
    public const double ConstantNodeStd = 1e-12;

    /// <summary>
    /// a: (N, m), b: (N, n) -> rho: [m, n], rho_jk = Pearson correlation of column j of a with
    /// column k of b over the N rows (mean-subtracted, population normalization). A column with
    /// standard deviation below <see cref="ConstantNodeStd"/> (a dead node) gets correlation 0.
    /// </summary>
    public static double[,] Pearson(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[0])
            throw new ArgumentException($"Correlation needs two (N, k) matrices with the same N; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        if (a.shape[0] < 2) throw new ArgumentException("Correlation needs at least two samples.");
        using var scope = NewDisposeScope();
        var (za, live) = Standardize(a.to(ScalarType.Float64));
        var (zb, liveB) = Standardize(b.to(ScalarType.Float64));
        var rho = za.t().mm(zb).Over_(a.shape[0]);
        rho = rho * live.unsqueeze(1) * liveB.unsqueeze(0);
        return Networks.RectifiedNetwork.ToArray(rho.ClampTo(-1, 1));
    }

    static (Tensor Z, Tensor Live) Standardize(Tensor x)
    {
        var centered = x - x.mean([0], keepdim: true);
        var std = centered.Squared().mean([0], keepdim: true).sqrt();
        var live = std.squeeze(0).Above(ConstantNodeStd).to(ScalarType.Float64);
        return (centered / std.ClampAtLeast(ConstantNodeStd), live);
    }
}
