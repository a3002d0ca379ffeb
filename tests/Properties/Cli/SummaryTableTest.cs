using NUnit.Framework;
using Shouldly;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Experiments;

namespace Verify.Properties.Cli;

/// <summary>
/// report.md's summary table has one short line per claim (outcome, counts, bound, the number that decides it); the
/// statement, the evidence, the first failure and the inconclusive reasons, each kind counted once, stand in the claim's
/// section.
/// </summary>
[TestFixture]
public sealed class SummaryTableTest
{
    static readonly ClaimInfo Claim = new("lowest-layer-specialization.relu.base.paper", "every teacher node is specialized", "abstract");

    const string LongEvidence = "case(d 3, widths [2], relu, decay 0.5, multi 2, Gaussian N 200, seed 7035410586620034727) (gradient descent endpoint: " +
        "loss 3.01E-09, gradient 0.000291 | min best rho -0.1884)\nnode 0 mirrors teacher 1 (||v|| 1.025, rewritten rho 1, verified); " +
        "node 2 mirrors teacher 1; training ReachedGradientTarget after 40008 steps (160 epochs): loss 2.08519E-15, max per-sample gradient 4.2E-07";

    const string Budget = "precondition not reached: the training budget ran out above the gradient target";

    static ClaimOutcome Drawn(Verdict verdict, string? reason = null) =>
        new ClaimOutcome<NoNumbers>(Claim, verdict, LongEvidence, NoNumbers.Instance) { Reason = reason };

    /// <summary>12 cases missed the precondition the same way, 2 another way, 16 held, 1 failed.</summary>
    static ClaimOutcome<TallyNumbers> Tally() => CaseTally.Summarize(Claim,
        [
            .. Enumerable.Repeat(Drawn(Verdict.Inconclusive, Budget), 12), Drawn(Verdict.Inconclusive, "precondition not reached: training diverged"),
            Drawn(Verdict.Inconclusive, "precondition not reached: training diverged"), .. Enumerable.Repeat(Drawn(Verdict.Holds), 16), Drawn(Verdict.Fails),
        ], 16);

    static IEnumerable<ClaimOutcome> Outcomes()
    {
        yield return Tally();
        yield return CaseTally.Summarize(Claim, Enumerable.Repeat(Drawn(Verdict.Holds), 17).ToArray(), 16);
        yield return CaseTally.Summarize(Claim, [.. Enumerable.Repeat(Drawn(Verdict.Inconclusive, Budget), 30), Drawn(Verdict.Holds)], 16);
        yield return Outcome.NotJudged(new ClaimInfo("cifar10", "images", "notes"),
            "skipped: no CIFAR-10 data was given.\nDownload the binary version (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html), unpack it | and run it");
        yield return new ClaimOutcome<MultiLayerNumbers>(new ClaimInfo("multi-layer", "the lowest layer specializes", "notes"), Verdict.Fails,
            LongEvidence + LongEvidence, new MultiLayerNumbers([0.770, 0.654, 0.569], 0.02, 3, 0.9, [0.336, 0.28, 0.342], [0.383, 0.335, 0.176]));
    }

    static string[] Cells(string row)
    {
        // A cell may hold an escaped bar (\|); the row's own bars are the unescaped ones.
        var parts = System.Text.RegularExpressions.Regex.Split(row, @"(?<!\\)\|");
        parts.First().ShouldBeEmpty(row);
        parts.Last().ShouldBeEmpty(row);
        return parts[1..^1].Select(p => p.Trim()).ToArray();
    }

    [Test]
    public void EveryRow_IsOneLineOfSevenShortCells()
    {
        var table = MarkdownReport.SummaryTable(Outcomes());
        TestContext.Out.WriteLine(table);
        var lines = table.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(2 + Outcomes().Count(), "a header, its rule and one line per claim");
        foreach (var row in lines.Skip(2))
        {
            var cells = Cells(row);
            cells.Length.ShouldBe(7, row);
            cells.ShouldAllBe(c => c.Length <= SummaryRow.MaxCell, $"every cell is at most {SummaryRow.MaxCell} characters: {row}");
        }
    }

    [Test]
    public void ARow_CarriesTheCountsTheBoundAndTheDecidingNumber()
    {
        var tally = Tally();
        var row = Cells(SummaryRow.Of(tally).Markdown);
        row[..6].ShouldBe(["`lowest-layer-specialization.relu.base.paper`", "**fails**", "31", "17", "1", FormattableString.Invariant($"{tally.Numbers.FailureRateUpper95:0.###}")]);
        row[6].ShouldBe("1 failing case; one refutes");

        Cells(SummaryRow.Of(Outcomes().ElementAt(1)).Markdown)[1..].ShouldBe(["**holds**", "17", "17", "0", "0.195", "no failure in 17 conclusive cases (16 needed)"]);
        Cells(SummaryRow.Of(Outcomes().ElementAt(2)).Markdown)[6].ShouldBe("1 conclusive cases, 16 needed");
        Cells(SummaryRow.Of(Outcomes().ElementAt(4)).Markdown)[6].ShouldBe("lowest layer's mean best correlation 0.770 (at least 0.9 needed)");
        var skipped = Cells(SummaryRow.Of(Outcomes().ElementAt(3)).Markdown);
        skipped[2..6].ShouldAllBe(c => c == "", "a claim not judged on cases has no counts and no bound");
        skipped[6].ShouldStartWith("skipped: no CIFAR-10 data was given. Download");
        skipped[6].ShouldEndWith(" …", customMessage: "a reason longer than a cell is cut with an ellipsis");
    }

    [Test]
    public void RepeatedReasons_AreCountedOnce_InTheClaimsSection()
    {
        var tally = Tally();
        tally.Numbers.InconclusiveReasons.ShouldBe([$"12 x {Budget}", "2 x precondition not reached: training diverged"]);

        var dir = Directory.CreateTempSubdirectory("verify-summary-").FullName;
        try
        {
            var report = new MarkdownReport(ExperimentScale.Default, 1, 2020);
            report.Section("Theorems on small problems", "setup", null, tally);
            var path = Path.Combine(dir, "report.md");
            report.Write(path, TimeSpan.FromMinutes(1));
            var text = File.ReadAllText(path);
            var section = text[text.IndexOf("## Theorems on small problems", StringComparison.Ordinal)..];
            section.ShouldContain($"inconclusive: 12 x {Budget}, 2 x precondition not reached: training diverged", Case.Sensitive, "the reasons, each kind once, in the claim's section");
            section.ShouldContain("first failure: " + LongEvidence, Case.Sensitive, "the first failure in full, in the claim's section");
            var summary = text[..text.IndexOf("## Known findings", StringComparison.Ordinal)];
            summary.ShouldNotContain(Budget, Case.Sensitive, "the summary table lists no inconclusive reason of a claim that was decided");
            summary.ShouldNotContain("seed 7035410586620034727", Case.Sensitive, "nor the evidence of a case");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
