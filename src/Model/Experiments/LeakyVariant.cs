using Verify.Model.Claims;

namespace Verify.Model.Experiments;

/// <summary>
/// The two-layer experiment with leaky-ReLU teacher and student (claims 1 and 4 hold for leaky
/// ReLU too; there every node observes every boundary, and an un-specialized node's fan-out goes to
/// zero at a critical point).
/// </summary>
public static class LeakyVariant
{
    /// <summary>
    /// Holds when the L-shape holds on the leaky runs and, in every over-realized run, each teacher
    /// of the strongest third is covered at the end (eval rho &gt; 0.95).
    /// </summary>
    public static ClaimOutcome Evaluate(IReadOnlyList<TwoLayerRun> runs)
    {
        const string claim = "Leaky ReLU: strong teachers are specialized and the L-shape holds";
        if (runs.Any(r => r.Config.Activation.NegativeSlope is <= 0 or >= 1))
            throw new ArgumentException("The leaky variant takes runs with a leaky-ReLU activation only.", nameof(runs));
        var lshape = LShape.Evaluate(runs);
        var numbers = new Dictionary<string, double>(lshape.Numbers);
        if (lshape.Verdict == Verdict.Inconclusive) return lshape with { Claim = claim };
        var over = runs.Where(r => r.Config.Multi >= 2).ToArray();
        var strongCovered = over.Select(r => r.CoveredAtEnd.Take(Math.Max(1, r.Config.M / 3)).All(c => c)).ToArray();
        numbers["runs_with_strong_third_covered"] = strongCovered.Count(c => c);
        numbers["over_realized_runs"] = over.Length;
        var holds = lshape.Verdict == Verdict.Holds && strongCovered.All(c => c);
        var evidence = $"{strongCovered.Count(c => c)} of {over.Length} over-realized runs cover every teacher of the strongest third; L-shape: {lshape.Verdict.ToString().ToLowerInvariant()} ({lshape.Evidence})";
        return new ClaimOutcome(claim, holds ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }
}
