using Verify.Model.Evidence;

namespace Verify.Model.Claims;

public sealed record KeepsNumbers(double EarlyMean, double EndMean, double WorstGain, double WorstDecay, int WorstMulti, int EarlyEpoch) : ClaimNumbers;

/// <summary>Training keeps what it found: for every (p, multi) group, the final success rate is at least the rate after the early epoch.</summary>
public static class KeepsWhatItFoundClaim
{
    public static ClaimInfo Info { get; } = new("keeps-what-it-found",
        "Final success rate >= success rate after the early epoch, for every (p, multi)",
        "notes section 4, success-rate figure (after 5 epochs and at the end)");

    public static ClaimOutcome<KeepsNumbers> Judge(IReadOnlyList<TwoLayerRun> runs)
    {
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config);
        if (runs.Count == 0) return Outcome.Judged(Info, missed, false, "no runs.", new KeepsNumbers(double.NaN, double.NaN, double.NaN, double.NaN, 0, 0));
        var curves = SuccessRate.Curves(runs);
        var worst = curves.MinBy(c => c.End.Average() - c.Early.Average())!;
        var numbers = new KeepsNumbers(curves.Average(c => c.Early.Average()), curves.Average(c => c.End.Average()),
            worst.End.Average() - worst.Early.Average(), worst.Decay, worst.Multi, runs[0].EarlyEpoch);
        var evidence = (FormattableString.Invariant($"mean success rate after epoch {numbers.EarlyEpoch}: {numbers.EarlyMean:P0}, at the end (epoch {runs[0].Config.Epochs}): {numbers.EndMean:P0}; ") +
            FormattableString.Invariant($"smallest gain {numbers.WorstGain:+0.00;-0.00;0.00} at p {worst.Decay}, multi {worst.Multi}; {SweepEvidence.Seeds(runs)} seeds."));
        return Outcome.Judged(Info, missed, curves.All(c => c.End.Average() >= c.Early.Average()), evidence, numbers);
    }
}
