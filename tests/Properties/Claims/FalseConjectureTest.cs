using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Properties.Generators;
using Verify.TestSupport;

namespace Verify.Properties.Claims;

/// <summary>
/// Two conjectures written on <see cref="Conjecture"/>, the first code blocks of
/// docs/theorems/adding-a-conjecture.md, verbatim. The first is plausible but false on purpose:
/// "once the gradient is small at every sample, every student node specializes". Claim 4 says
/// otherwise (spare nodes vanish instead), and FsCheck must find a counterexample among cases that
/// reached the precondition and shrink it. The second holds (it is claim 1 up to the mirror).
/// </summary>
[TestFixture]
public sealed class FalseConjectureTest
{
    [Conjecture(MaxTest = 20), Explicit("false on purpose: FsCheckRefutesTheConjecture_AndShrinksIt runs it and expects a counterexample")]
    public Property EveryStudentNodeSpecializes_OnceTheGradientIsSmallAtEverySample() =>
        Conjecture.About(ClaimGen.Problems(SmallProblemSpace.TwoLayer(leak: 0)))
            .TrainedUntilGradient(3e-3)
            .Claims("every student node correlates above 0.95 with some teacher node",
                e => e.Report.BestCorrelationPerStudent.All(rho => rho > 0.95));

    [Conjecture(MaxTest = 6)]
    public Property EveryTeacherNodeIsMatched_OnceTheGradientIsSmallAtEverySample() =>
        Conjecture.About(ClaimGen.Problems(SmallProblemSpace.TwoLayer(leak: 0.1)))
            .TrainedUntilGradient(3e-3)
            .Claims("every teacher node is matched by a student node (rho and cos > 0.95, or its mirror)",
                e => LowestLayerSpecializationClaim.Judge(e, SpecializationCriteria.UpToMirror).ConclusionObserved == true);

    [Test]
    public void FsCheckRefutesTheConjecture_AndShrinksIt()
    {
        Conjecture.Counterexamples.Clear();
        var config = Config.QuickThrowOnFailure.WithMaxTest(20).WithReplay(new Replay(new Rnd((ulong)RunSeed.Value, 1UL), Microsoft.FSharp.Core.FSharpOption<int>.None));

        var error = Should.Throw<Exception>(() => Check.One(config, EveryStudentNodeSpecializes_OnceTheGradientIsSmallAtEverySample()));

        TestContext.Out.WriteLine(error.Message);
        error.Message.ShouldContain("Falsifiable", customMessage: $"replay: {RunSeed.Replay}");
        var found = Conjecture.Counterexamples.ToArray();
        found.ShouldNotBeEmpty();
        TestContext.Out.WriteLine($"first counterexample {found[0]}; shrunk to {found[^1]} after {found.Length - 1} shrinks");
        (found[^1].D + found[^1].Widths.Sum() + found[^1].Multi + found[^1].Samples).ShouldBeLessThanOrEqualTo(
            found[0].D + found[0].Widths.Sum() + found[0].Multi + found[0].Samples, $"shrinking must not grow the case: first {found[0]}");
        error.Message.ShouldContain(found[^1].ToString(), customMessage: "FsCheck reports the shrunk case, with its replay");
    }
}
