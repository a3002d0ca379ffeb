using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;

namespace Verify.Properties.Claims;

/// <summary>
/// The machinery behind every verdict: a tally refuses to pass on inconclusive evidence and lets one
/// failure refute a universal claim; the sign test and rank correlation give the textbook values.
/// </summary>
[TestFixture]
public sealed class VerdictStatisticsTest
{
    static ClaimOutcome Case(Verdict v) => new("c", v, "case", new Dictionary<string, double>());

    [Test]
    public void Tally_IsInconclusive_WhenTooManyCasesAreInconclusive()
    {
        var cases = new[] { Case(Verdict.Holds), Case(Verdict.Inconclusive), Case(Verdict.Inconclusive) };
        CaseTally.Summarize("c", cases, 1.0 / 3).Verdict.ShouldBe(Verdict.Inconclusive);
        CaseTally.Summarize("c", cases, 0.7).Verdict.ShouldBe(Verdict.Holds);
        CaseTally.Summarize("c", [Case(Verdict.Inconclusive)], 0.5).Verdict.ShouldBe(Verdict.Inconclusive, "no evidence is not a pass");
    }

    [Test]
    public void Tally_Fails_OnASingleFailingCase()
    {
        var cases = Enumerable.Repeat(Case(Verdict.Holds), 9).Append(Case(Verdict.Fails)).ToArray();
        CaseTally.Summarize("c", cases, 0.5).Verdict.ShouldBe(Verdict.Fails);
        Should.Throw<ArgumentException>(() => CaseTally.Summarize("c", [], 0.5)).Message.ShouldContain("no cases");
    }

    [Test]
    public void SignTest_MatchesBinomialTails()
    {
        Statistics.BinomialUpperTail(12, 16, 0.5).ShouldBe(0.0384063720703125, 1e-12);
        Statistics.BinomialUpperTail(0, 7, 0.3).ShouldBe(1.0, 1e-12);
        Statistics.MinimumTrials(0.05).ShouldBe(5);
        Statistics.MinimumTrials(0.01).ShouldBe(7);
    }

    [Test]
    public void Spearman_IsOneForMonotoneAndMinusOneForReversed_WithTiesAveraged()
    {
        Statistics.Spearman([1, 2, 3, 4], [10, 20, 25, 100]).ShouldBe(1, 1e-12);
        Statistics.Spearman([1, 2, 3, 4], [4, 3, 2, 1]).ShouldBe(-1, 1e-12);
        Statistics.Ranks([5, 1, 5, 3]).ShouldBe([3.5, 1, 3.5, 2]);
        double.IsNaN(Statistics.Spearman([1, 1, 1], [1, 2, 3])).ShouldBeTrue("no spread, no correlation");
    }
}
