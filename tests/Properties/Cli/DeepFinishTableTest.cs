using NUnit.Framework;
using Shouldly;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Protocols;

namespace Verify.Properties.Cli;

/// <summary>
/// The report's table of claim 1 at depth counts what it says: conclusive cases only, the median and largest distance the
/// finisher moved them, and how many of them, and of their failures, lie within the two-layer cases' 10%.
/// </summary>
[TestFixture]
public sealed class DeepFinishTableTest
{
    static CaseVerdict Judged(Verdict verdict, double relativeDistance)
    {
        var lowest = new SpecializationNumbers(2, verdict == Verdict.Holds ? 2 : 1, 0, 0, double.NaN, 0.5, 0.5, 5e-5, 40_000);
        var numbers = new DeepSpecializationNumbers(lowest, 2, 5e-5, 1e-2, 0.4, 0.4, relativeDistance, relativeDistance, [[0.5, 1]], [[1, 1]]);
        var claim = TheoremChecks.DeepClaims[0];
        return new CaseVerdict(new SmallProblem(3, [2, 2], 0, 0, 2, 100, 1), new ClaimOutcome<DeepSpecializationNumbers>(claim, verdict, "", numbers));
    }

    [Test]
    public void ItCountsTheConclusiveCasesAndTheFailuresWithinTenPercent()
    {
        CaseVerdict[] cases =
        [
            Judged(Verdict.Holds, 0.05), Judged(Verdict.Fails, 0.03), Judged(Verdict.Fails, 0.40), Judged(Verdict.Inconclusive, 0.01), Judged(Verdict.Holds, 2.0),
        ];
        var claim = TheoremChecks.DeepClaims[0];
        var result = new TheoremCheckResult(1, [], new Dictionary<string, IReadOnlyList<CaseVerdict>> { [claim.Id] = cases });
        var table = MarkdownReport.DeepFinishTable(result);
        TestContext.Out.WriteLine(table);

        var row = table.Split('\n').Single(l => l.StartsWith($"| `{claim.Id}`", StringComparison.Ordinal));
        row.ShouldContain("| 4 | 40.0 % | 200.0 % | 2 | 2 | 1 |", Case.Sensitive, "4 conclusive (the inconclusive case left out), median 40%, largest 200%, 2 within 10%, 2 failures, 1 of them within 10%");
        table.Split('\n').Count(l => l.StartsWith("| `lowest-layer", StringComparison.Ordinal)).ShouldBe(1, "a claim without conclusive cases has no row");
    }

    [Test]
    public void WithoutDeepCases_ThereIsNoTable() =>
        MarkdownReport.DeepFinishTable(new TheoremCheckResult(1, [], new Dictionary<string, IReadOnlyList<CaseVerdict>>())).ShouldBeEmpty();
}
