using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// The fresh evidence of a test run and the ways tests read it. Every claim about small trained
/// problems is judged on cases drawn by <see cref="TheoremChecks"/> from the run seed
/// (<see cref="RunSeed"/>): trained once, judged by every claim that reads them, with the same
/// judges the report uses. A failing case is shrunk with FsCheck toward smaller d, widths, multi
/// and N, and printed with its replay.
/// </summary>
public static class ClaimRuns
{
    static readonly Lazy<TheoremCheckResult> DefaultRun = new(() => TheoremChecks.Run(RunSeed.Value, new TheoremCheckSettings()));

    /// <summary>The Nightly tier's settings: at least 100 conclusive cases per claim, the wider space, four times the budget.</summary>
    public static TheoremCheckSettings NightlySettings { get; } = new() { MinConclusive = Verify.Model.Rules.NightlyMinConclusive, Wide = true, Epochs = 400, DeepFamilies = CaseFamily.Deep };

    static readonly Lazy<TheoremCheckResult> NightlyRun = new(() => TheoremChecks.Run(RunSeed.Value, NightlySettings));

    /// <summary>The default run's drawn cases (at least 16 conclusive per claim and activation).</summary>
    public static TheoremCheckResult Fresh => DefaultRun.Value;

    /// <summary>The Nightly run's drawn cases (at least 100 conclusive per claim and activation, a wider space, four times the budget).</summary>
    public static TheoremCheckResult FreshNightly => NightlyRun.Value;

    /// <summary>
    /// Asserts that <paramref name="claim"/> holds on <paramref name="run"/>. On a failure, the first
    /// failing case is shrunk (re-judged by <paramref name="judge"/>) and the message gives the
    /// original, the shrunk case and the replay; without a judge (deep cases: each shrink candidate
    /// retrains a deep network, minutes in all) the failing case is printed in full with the replay.
    /// </summary>
    public static ClaimOutcome ShouldHold(TheoremCheckResult run, ClaimInfo claim, Func<SmallProblem, ClaimOutcome>? judge)
    {
        var outcome = run.Outcome(claim);
        Print(run, claim, outcome);
        if (outcome.Verdict == Verdict.Fails)
        {
            var failing = run.CasesOf(claim).First(c => c.Outcome.Verdict == Verdict.Fails).Problem;
            Assert.Fail($"{outcome}\n{(judge is null ? $"first failing case (not shrunk): {failing}" : $"shrinking the first failing case: {Shrink(failing, judge)}")}\nreplay the run: {RunSeed.Replay}");
        }
        outcome.Verdict.ShouldBe(Verdict.Holds, $"{outcome}; replay: {RunSeed.Replay}");
        return outcome;
    }

    /// <summary>
    /// A control that perturbs a trained student, judged on its own gradient (re-measured), misses the precondition:
    /// the judge must say so (inconclusive, the precondition named) and read the conclusion as missing.
    /// </summary>
    public static void ShouldMissThePrecondition(ClaimOutcome control, double ownGradient)
    {
        TestContext.Out.WriteLine($"control at its own gradient {ownGradient:G3}: {control.Verdict} [{control.Reason}]");
        control.Verdict.ShouldBe(Verdict.Inconclusive, control.ToString());
        control.Reason!.ShouldStartWith("precondition not reached", customMessage: control.ToString());
        control.ConclusionObserved.ShouldBe(false, control.ToString());
    }

    public static void Print(TheoremCheckResult run, ClaimInfo claim, ClaimOutcome outcome)
    {
        TestContext.Out.WriteLine($"run seed {run.RunSeed} ({RunSeed.Replay} replays it)");
        TestContext.Out.WriteLine(outcome);
        foreach (var c in run.CasesOf(claim)) TestContext.Out.WriteLine($"  {c.Outcome.Verdict}{(c.Outcome.Reason is null ? "" : $" [{c.Outcome.Reason}]")}: {c.Outcome.Evidence}");
    }

    /// <summary>
    /// The judge of one two-layer claim on one case (train, judge, dispose), for shrinking, with the settings of the run that
    /// drew the case (the default run's unless given): a Nightly case judged on the default budget is another experiment.
    /// </summary>
    public static Func<SmallProblem, ClaimOutcome> TwoLayerJudge(ClaimInfo claim, TheoremCheckSettings? settings = null) =>
        p => TheoremChecks.JudgeTwoLayerCase(p, CaseFamily.All.First(f => f.Name == (claim.Family ?? CaseFamily.Base.Name)), settings ?? new TheoremCheckSettings())
            .First(o => o.Claim.Id == claim.Id);


    /// <summary>A claim judged on drawn cases, at an activation ("relu" or "leaky"), a family (two-layer or deep) and a reading.</summary>
    public static ClaimInfo Claim(ClaimInfo claim, string activation, string family = "base", Reading reading = Reading.Hyperplane) =>
        TheoremChecks.ClaimOf(claim, activation == "relu" ? 0 : 0.1, CaseFamily.All.Concat(CaseFamily.Deep).First(f => f.Name == family), reading);

    /// <summary>
    /// Every family but near-n-star with both activations: the test cases of claims 1 and 2. Near claim 3's N* the
    /// paper's data condition is not met, and claim 1 fails there at a small gradient: NearNStarFindingTest.
    /// </summary>
    public static IEnumerable<TestCaseData> FamiliesAndActivations() =>
        from f in CaseFamily.All where f != CaseFamily.NearNStar from a in new[] { "relu", "leaky" } select new TestCaseData(a, f.Name);

    /// <summary>The near-n-star family at both activations.</summary>
    public static IEnumerable<TestCaseData> NearNStar() => new[] { "relu", "leaky" }.Select(a => new TestCaseData(a, CaseFamily.NearNStar.Name));

    /// <summary>Every family but near-n-star and wide, leaky: the test cases of claim 4 (near N*: NearNStarFindingTest; wide: WideClaimFourFindingTest).</summary>
    public static IEnumerable<TestCaseData> FamiliesLeaky() =>
        CaseFamily.All.Where(f => f != CaseFamily.NearNStar && f != CaseFamily.Wide).Select(f => new TestCaseData("leaky", f.Name));

    /// <summary>
    /// Shrinks a failing case with FsCheck: the case is the only draw, <see cref="ClaimGen.ShrinkProblem"/>
    /// proposes smaller ones, and a candidate is kept while the judge still says it fails (an
    /// inconclusive candidate is not a counterexample). Returns FsCheck's report and the smallest failing case.
    /// </summary>
    public static string Shrink(SmallProblem failing, Func<SmallProblem, ClaimOutcome> judge)
    {
        var smallest = failing;
        var property = Prop.ForAll(Arb.From(Gen.Constant(failing), ClaimGen.ShrinkProblem), p =>
        {
            var outcome = judge(p);
            if (outcome.Verdict == Verdict.Fails) smallest = p;
            return (outcome.Verdict != Verdict.Fails).Label(outcome.ToString());
        });
        try
        {
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(1).WithQuietOnSuccess(true), property);
            return $"{failing} did not fail again when judged alone";
        }
        catch (Exception e) when (e is not AssertionException)
        {
            return $"from {failing} to {smallest}; {e.Message}";
        }
    }

    /// <summary>Builds and trains one case with explicit streams (a control or a pinned regression); the caller owns the result.</summary>
    public static TrainedProblem Train(TeacherSpec spec, int multi, int samples, CaseStreams streams, SgdOptions budget, int[]? studentWidths = null)
    {
        var teacher = Teacher.Build(spec, streams.Teacher);
        var data = Dataset.Gaussian(teacher, samples, streams.Data);
        var student = Student.WithWidths(teacher, studentWidths ?? spec.HiddenWidths.Select(m => m * multi).ToArray(), streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, budget, streams.Batches);
        var problem = new SmallProblem(spec.InputDim, spec.HiddenWidths.ToArray(), (spec.Activation ?? Activation.Relu).NegativeSlope, spec.StrengthDecay, multi, samples, streams.Teacher);
        return new TrainedProblem(problem, teacher, student, data, training);
    }
}
