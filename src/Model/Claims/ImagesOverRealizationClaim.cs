using Verify.Model.Evidence;

namespace Verify.Model.Claims;

public sealed record ImagesNumbers(IReadOnlyList<MultiValue> MeanBestCorrelation, int Seeds) : ClaimNumbers;

/// <summary>On real images: over-realization raises the lowest layer's mean best correlation (the paper's CIFAR-10 figure), smallest against largest multi.</summary>
public static class ImagesOverRealizationClaim
{
    public static ClaimInfo Info { get; } = new("cifar10",
        "CIFAR-10 inputs: over-realization raises the lowest layer's mean best correlation with the teacher",
        "notes section 4, CIFAR-10 (a two-layer random teacher stands in for the paper's CNN)");

    public static ClaimOutcome<ImagesNumbers> Judge(IReadOnlyList<TwoLayerRun> runs, string source)
    {
        var byMulti = runs.GroupBy(r => r.Config.Multi).OrderBy(g => g.Key).Select(g => new MultiValue(g.Key, g.Average(r => r.BestCorrPerTeacher.Average()))).ToArray();
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ?? (byMulti.Length < 2 ? "hypothesis missed: needs runs at two multis" : null);
        var evidence = "mean best eval correlation per teacher node: " + string.Join(", ", byMulti.Select(p => FormattableString.Invariant($"multi {p.Multi}: {p.Value:0.000}"))) +
                       $"; {SweepEvidence.Seeds(runs)} seeds; inputs: {source}.";
        return Outcome.Judged(Info, missed, byMulti.Length >= 2 && byMulti[^1].Value > byMulti[0].Value, evidence, new ImagesNumbers(byMulti, SweepEvidence.Seeds(runs)));
    }
}
