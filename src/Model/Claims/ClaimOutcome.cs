using System.Globalization;
using Verify.Model.Analysis;

namespace Verify.Model.Claims;

/// <summary>
/// A claim's verdict with the evidence sentence. Typed numbers are on <see cref="ClaimOutcome{T}"/>;
/// the library computes these once, the tests assert them and the `verify` program reports them, so
/// the two cannot disagree.
/// </summary>
/// <param name="Claim">Which claim.</param>
/// <param name="Verdict">Holds, fails or inconclusive.</param>
/// <param name="Evidence">One sentence with the measured numbers, seeds and configuration.</param>
public abstract record ClaimOutcome(ClaimInfo Claim, Verdict Verdict, string Evidence)
{
    /// <summary>
    /// Whether the claim's conclusion was seen in the numbers, whatever the precondition: a
    /// negative control breaks a hypothesis and shows the conclusion missing (false), even where
    /// the verdict is <see cref="Verdict.Inconclusive"/> because the precondition was not reached.
    /// Null where a claim does not compute it separately.
    /// </summary>
    public bool? ConclusionObserved { get; init; }

    /// <summary>Why the verdict is inconclusive (the hypothesis or precondition that was missed); null otherwise.</summary>
    public string? Reason { get; init; }

    /// <summary>For a claim judged on drawn cases: how many were drawn and what each said.</summary>
    public CaseCounts? Cases { get; init; }

    /// <summary>The run seed the cases were drawn from, where they were drawn from one.</summary>
    public long? RunSeed { get; init; }

    /// <summary>The claim's typed numbers, as their base type (for serialization).</summary>
    public abstract ClaimNumbers NumbersObject { get; }

    public override string ToString() =>
        $"{Claim.Id}: {Verdict.ToString().ToLowerInvariant()}{(Reason is null ? "" : $" [{Reason}]")} ({Evidence})";
}

/// <summary>A verdict with its claim's typed numbers.</summary>
public sealed record ClaimOutcome<T>(ClaimInfo Claim, Verdict Verdict, string Evidence, T Numbers) : ClaimOutcome(Claim, Verdict, Evidence)
    where T : ClaimNumbers
{
    public override ClaimNumbers NumbersObject => Numbers;

    public override string ToString() => base.ToString();
}

/// <summary>Helpers to build verdicts.</summary>
public static class Outcome
{
    public static ClaimOutcome<T> Of<T>(ClaimInfo claim, Verdict verdict, string evidence, T numbers, string? reason = null) where T : ClaimNumbers =>
        new(claim, verdict, evidence, numbers) { Reason = verdict == Verdict.Inconclusive ? reason ?? "precondition not reached" : null };

    /// <summary>Holds / fails by the conclusion, inconclusive with <paramref name="missed"/> when a hypothesis was missed.</summary>
    public static ClaimOutcome<T> Judged<T>(ClaimInfo claim, string? missed, bool conclusion, string evidence, T numbers) where T : ClaimNumbers =>
        new(claim, missed is not null ? Verdict.Inconclusive : conclusion ? Verdict.Holds : Verdict.Fails, evidence, numbers)
        {
            Reason = missed,
            ConclusionObserved = conclusion,
        };

    public static ClaimOutcome<NoNumbers> NotJudged(ClaimInfo claim, string why) =>
        new(claim, Verdict.Inconclusive, why, NoNumbers.Instance) { Reason = why };

    internal static string Join(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));
}
