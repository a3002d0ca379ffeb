using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Evidence;

namespace Verify.Model.Protocols;

/// <summary>Every verdict of one run of the theorem checks: one outcome per claim, and each case behind them.</summary>
public sealed record TheoremCheckResult(long RunSeed, IReadOnlyList<ClaimOutcome> Outcomes, IReadOnlyDictionary<string, IReadOnlyList<CaseVerdict>> Cases)
{
    /// <summary>How each drawn two-layer case was finished, by family name (empty for a result built without them).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FinishRecord>> Finishes { get; init; } = new Dictionary<string, IReadOnlyList<FinishRecord>>();

    public ClaimOutcome Outcome(ClaimInfo claim) =>
        Outcomes.FirstOrDefault(o => o.Claim.Id == claim.Id) ?? throw new KeyNotFoundException($"No outcome for claim '{claim.Id}'.");

    public IReadOnlyList<CaseVerdict> CasesOf(ClaimInfo claim) => Cases.TryGetValue(claim.Id, out var c) ? c : [];

    /// <summary>
    /// Per claim judged under two readings (at one activation and family): on how many conclusive cases the paper's
    /// reading fails while the hyperplane reading holds (a finding about the paper's wording), and on how many the
    /// paper's reading fails with the hyperplane reading failing too (a counterexample to both).
    /// </summary>
    public IReadOnlyList<ReadingGap> ReadingGaps() =>
        Outcomes.Where(o => o.Claim.Reading == Reading.Paper && Outcomes.Any(h => h.Claim.Id == Twin(o.Claim.Id)))
            .Select(o =>
            {
                var paper = CasesOf(o.Claim);
                var hyper = Cases[Twin(o.Claim.Id)];
                var pairs = paper.Zip(hyper).Where(p => p.First.Outcome.Verdict != Verdict.Inconclusive).ToArray();
                var gap = pairs.Count(p => p.First.Outcome.Verdict == Verdict.Fails && p.Second.Outcome.Verdict == Verdict.Holds);
                var both = pairs.Count(p => p.First.Outcome.Verdict == Verdict.Fails && p.Second.Outcome.Verdict == Verdict.Fails);
                var (low, high) = pairs.Length == 0 ? (double.NaN, double.NaN) : Statistics.ClopperPearson(gap, pairs.Length);
                return new ReadingGap(o.Claim.Id[..^".paper".Length], pairs.Length, gap, both, low, high);
            }).ToArray();

    static string Twin(string paperId) => paperId[..^"paper".Length] + "hyperplane";
}
