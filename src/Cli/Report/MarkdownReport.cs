using System.Text;
using Verify.Model.Claims;
using Verify.Model.Experiments;

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
        sections.AppendLine($"## {title}").AppendLine().AppendLine(setup).AppendLine();
        foreach (var c in claims)
            sections.AppendLine($"- **{Word(c.Verdict)}**{(c.Reason is null ? "" : $" ({c.Reason})")}: `{c.Claim.Id}`: {c.Claim.Statement} ({c.Claim.PaperRef}). {c.Evidence}");
        sections.AppendLine();
        if (figure is not null) sections.AppendLine($"![{title}]({figure})").AppendLine();
    }

    public void Skipped(string title, ClaimInfo claim, string why)
    {
        outcomes.Add(Outcome.NotJudged(claim, why));
        sections.AppendLine($"## {title}").AppendLine().AppendLine(why).AppendLine();
    }

    public void Write(string path, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine("# Reproduction of Tian (ICML 2020), *Student Specialization in Deep Rectified Networks With Finite Width and Input Dimension*").AppendLine();
        text.AppendLine(FormattableString.Invariant(
            $"Scale **{scale.Name}**; run seed **{runSeed}** (`--seed`; the theorem checks draw their cases from it); {workers} workers; {elapsed.TotalMinutes:0.0} minutes; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ")
            + "Every training run is a line of `runs.jsonl`; every verdict is an object of `claims.json`. A claim is *inconclusive* when its runs did not reach the protocol's precondition (for example a run diverged) or the data to test it was not given.");
        text.AppendLine().AppendLine("| claim | outcome | cases (conclusive / drawn) | failure rate <= (95%) | evidence |").AppendLine("|---|---|---|---|---|");
        foreach (var c in outcomes)
            text.AppendLine($"| `{c.Claim.Id}`: {Escape(c.Claim.Statement)} | **{Word(c.Verdict)}**{(c.StrictVerdict is { } strict ? $" (strict, no mirror credit: **{Word(strict)}**)" : "")}{(c.Reason is null ? "" : $" ({Escape(c.Reason)})")} | " +
                            $"{(c.Cases is { } n ? $"{n.Conclusive} / {n.Drawn}" : "")} | {(c.NumbersObject is TallyNumbers { FailureRateUpper95: { } u } ? FormattableString.Invariant($"{u:0.###}") : "")} | {Escape(c.Evidence)} |");
        text.AppendLine().Append(sections);
        File.WriteAllText(path, text.ToString());
    }

    static string Word(Verdict v) => v.ToString().ToLowerInvariant();
    static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
