using System.Text;
using Verify.Model.Claims;
using Verify.Model.Experiments;

namespace Verify.Cli.Report;

/// <summary>report.md: a claim table (one row per claim) and one section per experiment with its figure.</summary>
sealed class MarkdownReport(ExperimentScale scale, int workers)
{
    readonly List<ClaimOutcome> outcomes = [];
    readonly StringBuilder sections = new();

    public IReadOnlyList<ClaimOutcome> Outcomes => outcomes;

    public void Section(string title, string setup, string? figure, params ClaimOutcome[] claims)
    {
        outcomes.AddRange(claims);
        sections.AppendLine($"## {title}").AppendLine().AppendLine(setup).AppendLine();
        foreach (var c in claims) sections.AppendLine($"- **{Word(c.Verdict)}**: {c.Claim}. {c.Evidence}");
        sections.AppendLine();
        if (figure is not null) sections.AppendLine($"![{title}]({figure})").AppendLine();
    }

    public void Skipped(string title, string why)
    {
        outcomes.Add(new ClaimOutcome(title, Verdict.Inconclusive, why, new Dictionary<string, double>()));
        sections.AppendLine($"## {title}").AppendLine().AppendLine(why).AppendLine();
    }

    public void Write(string path, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine("# Reproduction of Tian (ICML 2020), *Student Specialization in Deep Rectified Networks With Finite Width and Input Dimension*").AppendLine();
        text.AppendLine(FormattableString.Invariant(
            $"Scale **{scale.Name}**; {workers} workers; {elapsed.TotalMinutes:0.0} minutes; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. ")
            + "Every training run is a line of `runs.jsonl`. A claim is *inconclusive* when its runs did not reach the protocol's precondition (for example a run diverged) or the data to test it was not given.");
        text.AppendLine().AppendLine("| claim | outcome | evidence |").AppendLine("|---|---|---|");
        foreach (var c in outcomes) text.AppendLine($"| {Escape(c.Claim)} | **{Word(c.Verdict)}** | {Escape(c.Evidence)} |");
        text.AppendLine().Append(sections);
        File.WriteAllText(path, text.ToString());
    }

    static string Word(Verdict v) => v.ToString().ToLowerInvariant();
    static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
