using System.Globalization;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// Claim 8 (independence of distinct ReLUs): on the data, sum_j a_j sigma(w*_j^T x~) = 0 at every
/// sample forces a = 0, i.e. the feature matrix F = sigma(X~ W*) (N, m) has full column rank. The
/// check computes F's singular values and asks that the smallest be above
/// <c>relativeRank</c> times the largest.
/// </summary>
public static class IndependenceClaim
{
    public const string Name = "independence of distinct ReLUs";

    public static ClaimOutcome Judge(RectifiedNetwork teacher, Tensor inputs, double relativeRank)
    {
        if (!(relativeRank is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(relativeRank), relativeRank, "The relative rank level must lie in (0, 1).");
        var singular = SingularValues(teacher, inputs);
        var ratio = singular.Min() / Math.Max(singular.Max(), 1e-300);
        var conclusion = ratio > relativeRank && inputs.shape[0] >= singular.Length;
        return new ClaimOutcome(Name, conclusion ? Verdict.Holds : Verdict.Fails,
            string.Create(CultureInfo.InvariantCulture,
                $"teacher {teacher} on N = {inputs.shape[0]}: singular values of the feature matrix [{LowestLayerSpecializationClaim.Join(singular)}], " +
                $"smallest / largest = {ratio:G3} (full rank needs > {relativeRank:G3})"),
            new Dictionary<string, double> { ["smallest singular value"] = singular.Min(), ["relative smallest singular value"] = ratio })
        { ConclusionObserved = conclusion };
    }

    /// <summary>Singular values of F = sigma(X~ W*_1): descending, min(N, m) of them.</summary>
    public static double[] SingularValues(RectifiedNetwork teacher, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = teacher.Trace(inputs);
        var features = trace.Activations[0].to(ScalarType.Float64, CPU);
        return linalg.svdvals(features).data<double>().ToArray();
    }
}
