using Verify.Model.Evidence;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

public sealed record IndependenceNumbers(double SmallestSingularValue, double RelativeSmallestSingularValue, double RelativeRankLevel) : ClaimNumbers;

/// <summary>
/// Claim 8 (independence of distinct ReLUs): on the data, sum_j a_j sigma(w*_j^T x~) = 0 at every
/// sample forces a = 0, i.e. the feature matrix F = sigma(X~ W*) (N, m) has full column rank. The
/// check asks that the smallest singular value be above <c>relativeRank</c> times the largest.
/// Hypothesis: at least m samples (fewer cannot give rank m).
/// </summary>
public static class IndependenceClaim
{
    public static ClaimInfo Info { get; } = new("independence",
        "On teacher-aware data, the activations of distinct (non-co-linear) teacher ReLUs are linearly independent",
        "notes section 3, claim 8");

    public static ClaimOutcome<IndependenceNumbers> Judge(IndependenceEvidence e, double relativeRank)
    {
        if (!(relativeRank is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(relativeRank), relativeRank, "The relative rank level must lie in (0, 1).");
        var s = e.SingularValues;
        var ratio = s.Min() / Math.Max(s.Max(), 1e-300);
        var missed = e.Samples < s.Length ? "hypothesis missed: fewer samples than teacher nodes" : null;
        return Outcome.Judged(Info, missed, ratio > relativeRank,
            FormattableString.Invariant($"{e.Case} on N = {e.Samples}: singular values of the feature matrix [{Outcome.Join(s)}], smallest / largest = {ratio:G3} (full rank needs > {relativeRank:G3})"),
            new IndependenceNumbers(s.Min(), ratio, relativeRank));
    }

    public static ClaimOutcome<IndependenceNumbers> Judge(RectifiedNetwork teacher, Tensor inputs, double relativeRank) =>
        Judge(IndependenceEvidence.Measure(teacher, inputs), relativeRank);
}
