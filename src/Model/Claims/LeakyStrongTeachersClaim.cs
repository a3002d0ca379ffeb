using Verify.Model.Evidence;

namespace Verify.Model.Claims;

public sealed record LeakyStrongNumbers(int OverRealizedRuns, int RunsWithStrongThirdCovered) : ClaimNumbers;

/// <summary>Leaky ReLU (claim 1 holds for it too): in every over-realized run each teacher of the strongest third is covered at the end (eval rho &gt; 0.95).</summary>
public static class LeakyStrongTeachersClaim
{
    public static ClaimInfo Info { get; } = new("leaky-strong-teachers",
        "Leaky ReLU: every over-realized run covers each teacher of the strongest third at the end",
        "abstract (leaky ReLU); notes section 4");

    public static ClaimOutcome<LeakyStrongNumbers> Judge(IReadOnlyList<TwoLayerRun> runs)
    {
        if (runs.Any(r => r.Config.Activation.NegativeSlope is <= 0 or >= 1))
            throw new ArgumentException("The leaky variant takes runs with a leaky-ReLU activation only.", nameof(runs));
        var over = runs.Where(r => r.Config.Multi >= 2).ToArray();
        var covered = over.Count(r => r.CoveredAtEnd.Take(Math.Max(1, r.Config.M / 3)).All(c => c));
        var missed = SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config) ?? (over.Length == 0 ? "hypothesis missed: no over-realized run" : null);
        return Outcome.Judged(Info, missed, covered == over.Length,
            $"{covered} of {over.Length} over-realized runs cover every teacher of the strongest third; {SweepEvidence.Seeds(runs)} seeds.",
            new LeakyStrongNumbers(over.Length, covered));
    }
}
