using System.Globalization;
using System.Text;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Protocols;

namespace Verify.Cli.Report;

/// <summary>report.md: a claim table (one row per claim) and one section per experiment with its figure.</summary>
sealed class MarkdownReport(ExperimentScale scale, int workers, long runSeed)
{
    readonly List<ClaimOutcome> outcomes = [];
    readonly StringBuilder sections = new();

    public IReadOnlyList<ClaimOutcome> Outcomes => outcomes;

    public void Section(string title, string setup, string? figure, params ClaimOutcome[] claims)
    {
        outcomes.AddRange(claims);
        sections.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine().AppendLine(setup).AppendLine();
        foreach (var c in claims)
            sections.AppendLine(CultureInfo.InvariantCulture, $"- **{Word(c.Verdict)}**{(c.Reason is null ? "" : $" ({c.Reason})")}: `{c.Claim.Id}`: {c.Claim.Statement} ({c.Claim.PaperRef}). {c.Evidence}");
        sections.AppendLine();
        if (figure is not null) sections.AppendLine(Figure(title, figure)).AppendLine();
    }

    /// <summary>
    /// The two readings side by side, one row per claim, activation and family: each reading's outcome, conclusive
    /// cases and failure-rate bound, and the cases where the paper's reading fails while the hyperplane reading holds.
    /// </summary>
    public static string ReadingsTable(TheoremCheckResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("| claim, activation, family | paper's reading | hyperplane reading | paper fails, hyperplane holds (rate, 95%) |").AppendLine("|---|---|---|---|");
        foreach (var gap in result.ReadingGaps())
        {
            string Cell(string reading)
            {
                var o = result.Outcomes.First(x => x.Claim.Id == $"{gap.Claim}.{reading}");
                var bound = o.NumbersObject is TallyNumbers { FailureRateUpper95: { } u } ? FormattableString.Invariant($", failure rate <= {u:0.###}") : "";
                return $"**{Word(o.Verdict)}** ({o.Cases?.Fails} fail of {o.Cases?.Conclusive} conclusive, {o.Cases?.Drawn} drawn{bound})";
            }
            text.AppendLine(FormattableString.Invariant(
                $"| `{gap.Claim}` | {Cell("paper")} | {Cell("hyperplane")} | {gap.PaperFailsHyperplaneHolds} of {gap.Conclusive} ({gap.Rate:P0}, {gap.Low95:0.###}-{gap.High95:0.###}) |"));
        }
        text.AppendLine().AppendLine("How far the finisher moved the students (from the end of training to the precondition), per family: median and largest relative parameter distance, and how many cases training alone had brought to the gradient descent target.").AppendLine();
        text.AppendLine(FormattableString.Invariant($"| family | cases | median distance | largest | moved more than {Verify.Model.Rules.MaxFinishDistance:P0} (inconclusive) | at the descent target before finishing |")).AppendLine("|---|---|---|---|---|---|");
        foreach (var (family, finishes) in result.Finishes.Where(f => f.Value.Count > 0))
        {
            var relative = finishes.Select(f => f.Finish.RelativeDistance).Order().ToArray();
            text.AppendLine(FormattableString.Invariant(
                $"| {family} | {finishes.Count} | {relative[relative.Length / 2]:P2} | {relative[^1]:P1} | {relative.Count(r => !(r <= Verify.Model.Rules.MaxFinishDistance))} | {finishes.Count(f => f.Endpoint.Outcome == Verify.Model.Training.TrainingOutcome.ReachedGradientTarget)} |"));
        }
        text.Append(DeepFinishTable(result));
        return text.ToString();
    }

    /// <summary>
    /// Claim 1 at depth: how far the finisher moved the conclusive cases (reported, not gated: <see cref="Verify.Model.Rules.DeepMaxFinishDistance"/>),
    /// and how many conclusive cases and failures lie within the two-layer cases' <see cref="Verify.Model.Rules.MaxFinishDistance"/>.
    /// </summary>
    public static string DeepFinishTable(TheoremCheckResult result)
    {
        var rows = TheoremChecks.DeepClaims
            .Select(c => (Claim: c, Judged: result.CasesOf(c).Select(v => v.Outcome).OfType<ClaimOutcome<DeepSpecializationNumbers>>().Where(o => o.Verdict != Verdict.Inconclusive).ToArray()))
            .Where(r => r.Judged.Length > 0).ToArray();
        if (rows.Length == 0) return "";
        var text = new StringBuilder();
        text.AppendLine().AppendLine(FormattableString.Invariant($"Claim 1 at depth: how far the finisher moved the conclusive cases from where gradient descent handed over (reported, not gated), and how many conclusive cases and failures lie within the {Verify.Model.Rules.MaxFinishDistance:P0} that gates a two-layer case.")).AppendLine();
        text.AppendLine("| claim | conclusive | median distance | largest | conclusive within 10% | fails | fails within 10% |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (claim, judged) in rows)
        {
            var relative = judged.Select(o => o.Numbers.FinishRelativeDistance).Order().ToArray();
            bool Near(ClaimOutcome<DeepSpecializationNumbers> o) => o.Numbers.FinishRelativeDistance <= Verify.Model.Rules.MaxFinishDistance;
            text.AppendLine(FormattableString.Invariant(
                $"| `{claim.Id}` | {judged.Length} | {relative[relative.Length / 2]:P1} | {relative[^1]:P1} | {judged.Count(Near)} | {judged.Count(o => o.Verdict == Verdict.Fails)} | {judged.Count(o => o.Verdict == Verdict.Fails && Near(o))} |"));
        }
        return text.ToString();
    }

    /// <summary>A section that reports numbers without judging a claim (the convergence figure's final-loss table).</summary>
    public void Reported(string title, string setup, string? figure, string body)
    {
        sections.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine().AppendLine(setup).AppendLine().AppendLine(body).AppendLine();
        if (figure is not null) sections.AppendLine(Figure(title, figure)).AppendLine();
    }

    /// <summary>
    /// The final log10 eval loss per p (rows) and multi (columns): mean over seeds with the standard
    /// deviation and the range, a table, not a verdict.
    /// </summary>
    public static string FinalLossTable(IReadOnlyList<FinalLoss> finals)
    {
        var multis = finals.Select(f => f.Multi).Distinct().Order().ToArray();
        var text = new StringBuilder();
        text.AppendLine("Final log10 eval loss (mean squared error over samples and outputs, the paper's axis): mean ± sd over seeds [smallest, largest].").AppendLine();
        text.AppendLine("| p | " + string.Join(" | ", multis.Select(m => $"multi {m}")) + " |");
        text.AppendLine("|---|" + string.Concat(multis.Select(_ => "---|")));
        foreach (var p in finals.Select(f => f.Decay).Distinct().Order())
            text.AppendLine(FormattableString.Invariant($"| {p} | ") + string.Join(" | ", multis.Select(m => finals.FirstOrDefault(f => f.Decay == p && f.Multi == m) is { } f
                ? FormattableString.Invariant($"{f.Log10EvalLoss.Mean:0.00} ± {f.Log10EvalLoss.Sd:0.00} [{f.Log10EvalLoss.Min:0.00}, {f.Log10EvalLoss.Max:0.00}]")
                : "")) + " |");
        return text.ToString();
    }

    public void Skipped(string title, ClaimInfo claim, string why)
    {
        var outcome = Outcome.NotJudged(claim, why);
        outcomes.Add(outcome);
        sections.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine().AppendLine(CultureInfo.InvariantCulture, $"- **{Word(outcome.Verdict)}** ({why}): `{claim.Id}`: {claim.Statement} ({claim.PaperRef}).").AppendLine();
    }

    /// <summary>Writes report.md; <paramref name="provenance"/> (<see cref="ProvenanceSection"/>) goes at its end.</summary>
    public void Write(string path, TimeSpan elapsed, string? provenance = null)
    {
        var text = new StringBuilder();
        text.AppendLine("# Reproduction of Tian (ICML 2020), *Student Specialization in Deep Rectified Networks With Finite Width and Input Dimension*").AppendLine();
        text.AppendLine(FormattableString.Invariant(
            $"Scale **{scale.Name}**; run seed **{runSeed}** (`--seed`; the theorem checks draw their cases from it); {workers} workers; {elapsed.TotalMinutes:0.0} minutes; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ")
            + $"Judges' rules {Verify.Model.Rules.Version}, hash `{Verify.Model.Rules.Hash}` (docs/theorems/rules.md). "
            + "Every training run is a line of `runs.jsonl`; every verdict is an object of `claims.json`. A claim is *inconclusive* when its runs did not reach the protocol's precondition (for example a run diverged) or the data to test it was not given. The terms are explained in docs/glossary.md.");
        text.AppendLine().Append(SummaryTable(outcomes));
        text.AppendLine().Append(FindingsSection());
        text.AppendLine().Append(sections);
        if (provenance is not null) text.Append(provenance);
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// One line per claim (<see cref="SummaryRow"/>): outcome, counts, bound and the number that decides it. The statement,
    /// the evidence, the first failure and the inconclusive reasons (each kind once, with its count) stand in the claim's section.
    /// </summary>
    public static string SummaryTable(IEnumerable<ClaimOutcome> claims)
    {
        var text = new StringBuilder();
        text.AppendLine(SummaryRow.Header);
        foreach (var c in claims) text.AppendLine(SummaryRow.Of(c).Markdown);
        return text.ToString();
    }

    /// <summary>The known findings (<see cref="KnownFindings"/>), one line each: a finding is listed here, never counted as a pass.</summary>
    public static string FindingsSection()
    {
        var text = new StringBuilder();
        text.AppendLine("## Known findings").AppendLine();
        text.AppendLine("Where the suite found that the paper, or our reading of it, fails somewhere. Each is pinned by a test fixture of its own (category `Finding`, run by default, failing when the finding changes); none counts as a pass of the claims it concerns.").AppendLine();
        foreach (var f in KnownFindings.All)
            text.AppendLine(CultureInfo.InvariantCulture, $"- **`{f.Name}`** ({string.Join(", ", f.Claims.Select(c => $"`{c}`"))}; {f.Page}): {f.Summary}.");
        return text.ToString();
    }

    /// <summary>A figure inline as PNG, with a link to the same figure as SVG.</summary>
    static string Figure(string title, string png) => $"![{title}]({png})\n\n(also as [SVG]({Figures.SvgName(png)}))";

    static string Word(Verdict v) => v.ToString().ToLowerInvariant();
}
