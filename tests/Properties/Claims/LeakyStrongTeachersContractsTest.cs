using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Networks;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The verdict on leaky strong teachers: the strongest third covered in every over-realized run.</summary>
[TestFixture]
public sealed class LeakyStrongTeachersContractsTest
{
    [Test]
    public void LeakyStrongTeachers_NeedsTheStrongestThirdCoveredInEveryOverRealizedRun()
    {
        var leaky = Activation.LeakyRelu(0.1);
        var good = Run(m: 6, multi: 2, activation: leaky, end: Covering(6, 2));
        var outcome = LeakyStrongTeachersClaim.Judge([good, good, Run(m: 6, multi: 1, activation: leaky, end: Covering(6, 0))]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "the run of multi 1 is not over-realized and not read");
        (outcome.Numbers.OverRealizedRuns, outcome.Numbers.RunsWithStrongThirdCovered).ShouldBe((2, 2));
        var weak = Run(m: 6, multi: 3, activation: leaky, end: Covering(6, 1));
        LeakyStrongTeachersClaim.Judge([good, weak]).Numbers.RunsWithStrongThirdCovered.ShouldBe(1, "teacher 2 of the strongest third (2 of 6) is not covered");
        LeakyStrongTeachersClaim.Judge([good, weak]).Verdict.ShouldBe(Verdict.Fails);
        LeakyStrongTeachersClaim.Judge([Run(m: 2, multi: 2, activation: leaky, end: Covering(2, 1))]).Verdict.ShouldBe(Verdict.Holds, "with m < 3 the strongest teacher alone is the third");
        LeakyStrongTeachersClaim.Judge([Run(m: 6, multi: 1, activation: leaky)]).Reason.ShouldBe("hypothesis missed: no over-realized run");
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2)])).Message.ShouldContain("leaky-ReLU activation only");
    }
}
