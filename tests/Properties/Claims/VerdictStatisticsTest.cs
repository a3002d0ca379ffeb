using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;

namespace Verify.Properties.Claims;

/// <summary>
/// The machinery behind every verdict: a tally refuses to pass on too few conclusive cases and lets
/// one failure refute a universal claim; the sign test, rank correlation and Clopper-Pearson
/// interval give the textbook values.
/// </summary>
[TestFixture]
public sealed class VerdictStatisticsTest
{
    static readonly ClaimInfo C = new("c", "a claim", "nowhere");

    static ClaimOutcome Case(Verdict v) => Outcome.Judged(C, v == Verdict.Inconclusive ? "not reached" : null, v != Verdict.Fails, "case", NoNumbers.Instance);

    [Test]
    public void Tally_IsInconclusive_WithTooFewConclusiveCases()
    {
        var cases = new[] { Case(Verdict.Holds), Case(Verdict.Inconclusive), Case(Verdict.Inconclusive) };
        CaseTally.Summarize(C, cases, 2).Verdict.ShouldBe(Verdict.Inconclusive);
        CaseTally.Summarize(C, cases, 1).Verdict.ShouldBe(Verdict.Holds);
        CaseTally.Summarize(C, [Case(Verdict.Inconclusive)], 1).Verdict.ShouldBe(Verdict.Inconclusive, "no evidence is not a pass");
        CaseTally.Summarize(C, cases, 2).Numbers.InconclusiveReasons.ShouldBe(["2 x not reached"]);
    }

    [Test]
    public void Tally_Fails_OnASingleFailingCase()
    {
        var cases = Enumerable.Repeat(Case(Verdict.Holds), 9).Append(Case(Verdict.Fails)).ToArray();
        CaseTally.Summarize(C, cases, 5).Verdict.ShouldBe(Verdict.Fails);
        Should.Throw<ArgumentException>(() => CaseTally.Summarize(C, [], 5)).Message.ShouldContain("no cases");
    }

    [Test]
    public void Tally_StatesTheClopperPearsonBound_OnTheFailureRate()
    {
        var tally = CaseTally.Summarize(C, Enumerable.Repeat(Case(Verdict.Holds), 16).ToArray(), 16);
        tally.Numbers.FailureRateUpper95!.Value.ShouldBe(1 - Math.Pow(0.025, 1.0 / 16), 1e-9);
        tally.Cases!.Conclusive.ShouldBe(16);
    }

    [Test]
    public void ClopperPearson_MatchesTheBetaQuantiles()
    {
        Statistics.ClopperPearson(0, 100).High.ShouldBe(1 - Math.Pow(0.025, 0.01), 1e-9);
        var (low, high) = Statistics.ClopperPearson(5, 10);
        low.ShouldBe(0.187086, 1e-5);
        high.ShouldBe(0.812914, 1e-5);
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ClopperPearson(3, 2));
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
