using System.Globalization;
using Verify.Model.Analysis;

namespace Verify.Model.Claims;

/// <summary>What the evidence says about a claim.</summary>
public enum Verdict
{
    /// <summary>The precondition was met and the claim's conclusion was observed.</summary>
    Holds,

    /// <summary>The precondition was met and the conclusion was not observed.</summary>
    Fails,

    /// <summary>The precondition was not reached (for example the per-sample gradient never got
    /// small enough within the budget), or too few cases reached it: no evidence either way.</summary>
    Inconclusive,
}

/// <summary>
/// A claim as the suite judges it: a stable id (the key of <c>claims.json</c>), the statement in
/// words, and where the paper states it (or which experiment of the paper it reads).
/// </summary>
public sealed record ClaimInfo(string Id, string Statement, string PaperRef)
{
    /// <summary>Where a claim has two readings (claims 1, 2 and 4): which one this is; null otherwise.</summary>
    public Reading? Reading { get; init; }

    /// <summary>Where a claim is judged on drawn cases of a family: which one; null otherwise.</summary>
    public string? Family { get; init; }

    public override string ToString() => Id;
}

/// <summary>The typed numbers behind a verdict; each claim has its own record of them.</summary>
public abstract record ClaimNumbers;

/// <summary>Numbers of a claim that was not judged (skipped, not run).</summary>
public sealed record NoNumbers : ClaimNumbers
{
    public static NoNumbers Instance { get; } = new();
}

/// <summary>
/// How many cases a claim drew and what each said. With n conclusive cases and x failures,
/// <see cref="FailureRateUpper95"/> is the upper end of the Clopper-Pearson 95% interval of the
/// failure rate (with no failure: 1 - 0.025^(1/n), e.g. 0.21 for n = 16, 0.036 for n = 100).
/// </summary>
public sealed record CaseCounts(int Drawn, int Holds, int Fails, int Inconclusive)
{
    public int Conclusive => Holds + Fails;

    /// <summary>Upper end of the Clopper-Pearson 95% interval of the failure rate over conclusive cases; null with none.</summary>
    public double? FailureRateUpper95 => Conclusive == 0 ? null : Statistics.ClopperPearson(Fails, Conclusive).High;

    /// <summary>Share of conclusive cases that hold, with its Clopper-Pearson 95% interval; null with none.</summary>
    public (double Rate, double Low, double High)? PassRate95 =>
        Conclusive == 0 ? null : ((double)Holds / Conclusive, Statistics.ClopperPearson(Holds, Conclusive).Low, Statistics.ClopperPearson(Holds, Conclusive).High);

    public static CaseCounts Of(IEnumerable<ClaimOutcome> cases)
    {
        var list = cases.ToArray();
        return new CaseCounts(list.Length, list.Count(c => c.Verdict == Verdict.Holds), list.Count(c => c.Verdict == Verdict.Fails),
            list.Count(c => c.Verdict == Verdict.Inconclusive));
    }

    public override string ToString()
    {
        var s = FormattableString.Invariant($"{Drawn} cases drawn, {Conclusive} conclusive: {Holds} hold, {Fails} fail, {Inconclusive} inconclusive");
        if (FailureRateUpper95 is { } u) s += FormattableString.Invariant($"; failure rate <= {u:0.###} (Clopper-Pearson 95%)");
        return s;
    }
}

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
