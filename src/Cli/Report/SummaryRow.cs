using System.Globalization;
using Verify.Model.Claims;

namespace Verify.Cli.Report;

/// <summary>
/// One line of report.md's summary table: the claim, its outcome, the case counts (drawn / conclusive / failing), the
/// failure-rate bound and the number that decides it. Every cell is one short line; the statement, the evidence and the
/// inconclusive reasons stand in the claim's section.
/// </summary>
sealed record SummaryRow(string Claim, string Outcome, string Drawn, string Conclusive, string Fails, string Bound, string DecidedBy)
{
    /// <summary>The longest a cell may be; a longer text is cut at a word with an ellipsis.</summary>
    public const int MaxCell = 110;

    public const string Header = "| claim | outcome | drawn | conclusive | fail | failure rate <= (95%) | decided by |\n|---|---|---|---|---|---|---|";

    public string Markdown => $"| `{Claim}` | **{Outcome}** | {Drawn} | {Conclusive} | {Fails} | {Bound} | {DecidedBy} |";

    public static SummaryRow Of(ClaimOutcome c)
    {
        var n = c.Cases;
        var bound = c.NumbersObject is TallyNumbers { FailureRateUpper95: { } u } ? F($"{u:0.###}") : "";
        return new SummaryRow(c.Claim.Id, c.Verdict.ToString().ToLowerInvariant(), n is null ? "" : F($"{n.Drawn}"), n is null ? "" : F($"{n.Conclusive}"),
            n is null ? "" : F($"{n.Fails}"), bound, Cell(DecidedByOf(c)));
    }

    /// <summary>The number the verdict turns on: an inconclusive claim's reason, otherwise the claim's deciding statistic.</summary>
    static string DecidedByOf(ClaimOutcome c)
    {
        if (c.NumbersObject is TallyNumbers t)
            return c.Verdict switch
            {
                Verdict.Fails => F($"{t.Fails} failing case{(t.Fails == 1 ? "" : "s")}; one refutes"),
                Verdict.Holds => F($"no failure in {t.Conclusive} conclusive cases ({t.MinConclusive} needed)"),
                _ => c.Reason ?? F($"{t.Conclusive} conclusive cases, {t.MinConclusive} needed"),
            };
        if (c.Verdict == Verdict.Inconclusive) return c.Reason ?? "precondition not reached";
        return c.NumbersObject switch
        {
            StrongFirstNumbers s when s.Drops.Where(d => d.Judged).ToArray() is { Length: > 0 } judged =>
                F($"smallest lower bound of the drop at p >= {s.MinDecay}: {judged.Min(d => d.Lower95):+0.00;-0.00}; trend {s.TrendRankCorrelation:0.00} [{s.TrendLow95:0.00}, {s.TrendHigh95:0.00}]"),
            StrongFirstByGradientNumbers g => F($"strong first in {g.StrongFirst} of {g.Usable} usable runs; lower bound {g.Lower95:0.00} against {g.Share:0.00}"),
            OverRealizationNumbers o => F($"sign tests: early coverage p = {o.EarlyCoverage.PValue:0.####}, first-covered epoch p = {o.FirstEpoch.PValue:0.####}"),
            KeepsNumbers k => F($"smallest gain {k.WorstGain:+0.00;-0.00} (p {k.WorstDecay}, multi {k.WorstMulti})"),
            LeakyStrongNumbers l => F($"{l.RunsWithStrongThirdCovered} of {l.OverRealizedRuns} over-realized runs cover the strongest third"),
            TeacherAwareNumbers a => F($"coverage gap at small N {a.SmallNGap:+0.00;-0.00} (at least {a.MinCoverageGap} needed)"),
            SampleScalingNumbers s => F($"slope in K {s.SlopeK:0.00} [{s.SlopeKCi95[0]:0.00}, {s.SlopeKCi95[1]:0.00}] against {s.BoundExponentK}, in d {s.SlopeD:0.00} against {s.BoundExponentD}"),
            MultiLayerNumbers m when m.MeanBestCorrelationPerLayer.Count > 0 =>
                F($"lowest layer's mean best correlation {m.MeanBestCorrelationPerLayer[0]:0.000} (at least {m.MinLowestLayer} needed)"),
            MultiLayerAuthorsNumbers a when a.CrossingN.Count > 0 =>
                a.CrossingN[0] is { } n ? F($"lowest layer at {a.Level} from N {n:0}") : F($"lowest layer never at {a.Level}"),
            ImagesNumbers i when i.MeanBestCorrelation.Count >= 2 =>
                F($"mean best correlation {i.MeanBestCorrelation[0].Value:0.000} at multi {i.MeanBestCorrelation[0].Multi}, {i.MeanBestCorrelation[^1].Value:0.000} at multi {i.MeanBestCorrelation[^1].Multi}"),
            _ => c.Evidence,
        };
    }

    /// <summary>One line of at most <see cref="MaxCell"/> characters, safe inside a table cell.</summary>
    internal static string Cell(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal).Trim();
        if (line.Length <= MaxCell) return line;
        var cut = line.LastIndexOf(' ', MaxCell - 2);
        return line[..(cut > MaxCell / 2 ? cut : MaxCell - 2)].TrimEnd(',', ';', ':', ' ', '\\') + " …";
    }

    static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
