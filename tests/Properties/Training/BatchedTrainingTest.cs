using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// Training T students in one batched tensor program gives each the result it gets trained alone
/// with the same seed: the same outcome, step counts and epoch records, and the same final weights
/// up to float64 round-off. The batch mixes seeds, learning rates, budgets, a shared dataset, a run
/// that reaches its gradient target early and one that diverges.
/// </summary>
[TestFixture]
public sealed class BatchedTrainingTest
{
    /// <summary>One trial's recipe: everything is rebuilt from it, so the single and the batched run start identical.</summary>
    sealed record Recipe(long Seed, double LearningRate, int Epochs, double InitStd = 0.1, double? GradientTarget = null, int SharedDataWith = -1);

    static readonly Recipe[] Mixed =
    [
        new(Seed: 11, LearningRate: 0.05, Epochs: 3),
        new(Seed: 12, LearningRate: 0.02, Epochs: 3),
        new(Seed: 13, LearningRate: 0.05, Epochs: 2),
        new(Seed: 14, LearningRate: 0.05, Epochs: 3, SharedDataWith: 0),   // a second student on trial 0's data
        new(Seed: 15, LearningRate: 0.05, Epochs: 3, GradientTarget: 1e6), // reaches its target after epoch 1
        new(Seed: 16, LearningRate: 50, Epochs: 3, InitStd: 1.0),          // diverges within the first epoch
    ];

    public sealed record Shape(string Name, int D, int[] TeacherWidths, int Multi, Activation Activation, int? BatchSize, int Samples)
    {
        public override string ToString() => Name;
    }

    public static readonly Shape[] Shapes =
    [
        new("two-layer relu, batch 16", 10, [3], 3, Activation.Relu, 16, 256),
        new("three-layer leaky, batch 8", 8, [4, 3], 2, Activation.LeakyRelu(0.1), 8, 128),
        new("two-layer relu, full batch", 6, [3], 2, Activation.Relu, null, 64),
    ];

    [TestCaseSource(nameof(Shapes))]
    public void EachTrialOfABatch_EndsAsItWouldTrainedAlone(Shape shape)
    {
        var singles = Mixed.Select(r => RunAlone(shape, r)).ToArray();
        var batched = RunBatched(shape, Mixed);

        batched.Select(b => b.Result.Outcome).ShouldContain(TrainingOutcome.Diverged, "the mix must include a diverging run");
        batched.Select(b => b.Result.Outcome).ShouldContain(TrainingOutcome.ReachedGradientTarget, "the mix must include a run stopped by its target");
        for (var i = 0; i < Mixed.Length; i++)
        {
            var differences = Differences(singles[i], batched[i]);
            differences.ShouldBeEmpty($"{shape}, trial {i} ({Mixed[i]}): batched vs alone:\n  {string.Join("\n  ", differences)}");
        }
    }

    /// <summary>Negative control: a trial whose batch seed differs from its solo run's is caught by the same comparison.</summary>
    [Test]
    public void TheComparison_CatchesATrialTrainedWithAnotherSeed()
    {
        var shape = Shapes[0];
        var recipe = Mixed[0];
        var alone = RunAlone(shape, recipe);
        var batched = RunBatched(shape, [recipe, Mixed[1]], otherBatchSeed: true);
        Differences(alone, batched[0]).ShouldNotBeEmpty($"{shape}: a run with batch seed {Seeds.Of(recipe.Seed, "other-batches")} must differ from one with {BatchSeed(recipe)}");
    }

    /// <summary>Trials of different shapes (the property tests' generated cases) are grouped by shape, each group stacked, and each trial still ends as it does alone.</summary>
    [Test]
    public void TrialsOfDifferentShapes_TrainInGroups_EachAsItWouldAlone()
    {
        var recipes = Shapes.SelectMany(shape => Mixed.Take(3).Select(r => (Shape: shape, Recipe: r))).ToArray();
        var alone = recipes.Select(x => RunAlone(x.Shape, x.Recipe)).ToArray();
        using var scope = NewDisposeScope();
        var pairs = recipes.Select(x => Build(x.Shape, x.Recipe)).ToArray();
        try
        {
            var epochsSeen = new int[recipes.Length];
            var results = SgdTrainer.Train(recipes.Select((x, i) => new Trial(pairs[i].Student, pairs[i].Data, Options(x.Shape, x.Recipe), BatchSeed(x.Recipe))).ToArray(),
                (i, _) => epochsSeen[i]++);
            for (var i = 0; i < recipes.Length; i++)
            {
                Differences(alone[i], (results[i], pairs[i].Student.WeightArrays())).ShouldBeEmpty($"{recipes[i].Shape}, {recipes[i].Recipe}: mixed-shape training vs alone");
                epochsSeen[i].ShouldBe(results[i].EpochsRun, $"{recipes[i].Shape}, {recipes[i].Recipe}: epoch callbacks reach the trial's own index");
            }
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }
    }

    /// <summary>
    /// The runs of one seed of a sweep: trials that read the same inputs in the same batch order
    /// (equal inputs, one batch seed) but differ in width, teacher (targets), student seed, learning
    /// rate and budget train in one kernel whose first layers are one wide product; each ends as it
    /// does alone, the one that reaches its target and the one that diverges included.
    /// </summary>
    [TestCaseSource(nameof(Shapes))]
    public void TrialsThatShareInputsAndBatches_TrainAsOneWideProduct_EachAsItWouldAlone(Shape shape)
    {
        var recipes = SharedInputRecipes(shape);
        var alone = recipes.Select(r => RunSharedAlone(shape, r)).ToArray();
        var together = RunShared(shape, recipes, out var afterEpochCalls);

        together.Select(b => b.Result.Outcome).ShouldContain(TrainingOutcome.Diverged, "the mix must include a diverging run");
        together.Select(b => b.Result.Outcome).ShouldContain(TrainingOutcome.ReachedGradientTarget, "the mix must include a run stopped by its target");
        for (var i = 0; i < recipes.Length; i++)
            Differences(alone[i], together[i]).ShouldBeEmpty($"{shape}, shared-input trial {i} ({recipes[i]}): together vs alone");
        if (shape.BatchSize is not null)
            afterEpochCalls.ShouldBe(recipes.Max(r => r.Recipe.Epochs), $"{shape}: one afterEpoch call per epoch of the one shared-input stack");
    }

    /// <summary>Negative control: in the same wide kernel, a trial whose inputs were drawn with another seed (its batch seed equal) is told apart from its solo run by the same comparison.</summary>
    [Test]
    public void TheSharedInputComparison_CatchesATrialTrainedOnOtherInputs()
    {
        var shape = Shapes[0];
        var recipes = SharedInputRecipes(shape);
        var alone = RunSharedAlone(shape, recipes[0]);
        var moved = RunShared(shape, recipes, out _, inputSeedOfFirst: 99);
        Differences(alone, moved[0]).ShouldNotBeEmpty($"{shape}: a trial on inputs of seed 99 must differ from its run on the shared inputs");
    }

    /// <summary>
    /// The two implementations of the step's operations (<see cref="IStepOps"/>) train alike: every
    /// batched run of this fixture (the mixed stack and the shared-input one) ends, by the same
    /// comparison, on the direct CPU path (MKL's batched GEMM written in place, the suite's kernel, the
    /// passes over host memory) where it ends on libtorch's operators, the reference; and each path is
    /// really the one taken (direct products and passes counted on the first, none on the second).
    /// Both run wherever this test runs, whatever VERIFY_DIRECT_BLAS says.
    /// </summary>
    [TestCaseSource(nameof(Shapes))]
    public void DirectBatchedProducts_EndEachTrialWhereLibtorchsOperatorsDo(Shape shape)
    {
        var directOps = StepOps.Direct ?? throw new AssertionException($"No direct path in this process: {StepOps.DirectUnavailable}");
        if (!BatchedGemm.Available && Foundation.BatchedGemmTest.DirectPathExpected)
            Assert.Fail($"The direct products must be available here; they are not: {BatchedGemm.Unavailable}");
        var recipes = SharedInputRecipes(shape);
        (TrainingResult Result, double[][,] Weights)[] direct, reference;
        long directCalls, directPasses, referenceCalls, referencePasses;
        using (StepOps.Using(directOps))
        {
            var (start, startPasses) = (BatchedGemm.Calls, HostMemory.Passes);
            direct = RunShared(shape, recipes, out _).Concat(RunBatched(shape, Mixed)).ToArray();
            (directCalls, directPasses) = (BatchedGemm.Calls - start, HostMemory.Passes - startPasses);
        }
        using (StepOps.Using(StepOps.Reference))
        {
            var (start, startPasses) = (BatchedGemm.Calls, HostMemory.Passes);
            reference = RunShared(shape, recipes, out _).Concat(RunBatched(shape, Mixed)).ToArray();
            (referenceCalls, referencePasses) = (BatchedGemm.Calls - start, HostMemory.Passes - startPasses);
        }

        if (BatchedGemm.Available) directCalls.ShouldBeGreaterThan(0, $"{shape}: the batched runs must take the direct products");
        directPasses.ShouldBeGreaterThan(0, $"{shape}: the batched runs must take the passes over host memory (gate, activation, residuals)");
        referenceCalls.ShouldBe(0, $"{shape}: no direct product on libtorch's operators");
        referencePasses.ShouldBe(0, $"{shape}: no pass over host memory on libtorch's operators");
        for (var i = 0; i < direct.Length; i++)
            Differences(reference[i], direct[i]).ShouldBeEmpty($"{shape}, run {i}: the direct path vs libtorch's operators");
    }

    /// <summary>Recipes of one seed of a sweep: multis 1..3 (widths differ) over two teachers; one reaches its target, one diverges.</summary>
    static SharedRecipe[] SharedInputRecipes(Shape shape) =>
    [
        new(Multi: 1, TeacherSeed: 21, StudentSeed: 31, new Recipe(Seed: 41, LearningRate: 0.05, Epochs: 3)),
        new(Multi: 2, TeacherSeed: 21, StudentSeed: 32, new Recipe(Seed: 41, LearningRate: 0.02, Epochs: 3)),
        new(Multi: shape.Multi, TeacherSeed: 22, StudentSeed: 33, new Recipe(Seed: 41, LearningRate: 0.05, Epochs: 2)),
        new(Multi: shape.Multi, TeacherSeed: 21, StudentSeed: 34, new Recipe(Seed: 41, LearningRate: 0.05, Epochs: 3)),
        new(Multi: 2, TeacherSeed: 22, StudentSeed: 35, new Recipe(Seed: 41, LearningRate: 0.05, Epochs: 3, GradientTarget: 1e6)),
        new(Multi: 1, TeacherSeed: 22, StudentSeed: 36, new Recipe(Seed: 41, LearningRate: 50, Epochs: 3, InitStd: 1.0)),
    ];

    /// <summary>A trial of a shared-input group: its own teacher and student, the group's inputs (drawn from seed 7, or <c>InputSeed</c>) and batch seed.</summary>
    sealed record SharedRecipe(int Multi, long TeacherSeed, long StudentSeed, Recipe Recipe);

    static (Verify.Model.Networks.RectifiedNetwork Student, Dataset Data) BuildShared(Shape shape, SharedRecipe r, long inputSeed)
    {
        using var teacher = Verify.Model.Networks.Teacher.Build(new Verify.Model.Networks.TeacherSpec(shape.D, shape.TeacherWidths, 4, shape.Activation), r.TeacherSeed);
        using var inputs = Inputs.Gaussian(shape.Samples, shape.D, inputSeed, 1.5);
        var student = Verify.Model.Networks.Student.OverRealized(teacher, r.Multi, r.StudentSeed, r.Recipe.InitStd);
        return (student, Dataset.Label(teacher, inputs));
    }

    static (TrainingResult Result, double[][,] Weights) RunSharedAlone(Shape shape, SharedRecipe r)
    {
        using var scope = NewDisposeScope();
        var (student, data) = BuildShared(shape, r, 7);
        using (student)
        using (data)
        {
            var result = SgdTrainer.Train(student, data, Options(shape, r.Recipe), BatchSeed(r.Recipe));
            return (result, student.WeightArrays());
        }
    }

    static (TrainingResult Result, double[][,] Weights)[] RunShared(Shape shape, SharedRecipe[] recipes, out int afterEpochCalls, long inputSeedOfFirst = 7)
    {
        using var scope = NewDisposeScope();
        var built = recipes.Select((r, i) => BuildShared(shape, r, i == 0 ? inputSeedOfFirst : 7)).ToArray();
        try
        {
            var calls = 0;
            var results = SgdTrainer.Train(recipes.Select((r, i) => new Trial(built[i].Student, built[i].Data, Options(shape, r.Recipe), BatchSeed(r.Recipe))).ToArray(),
                afterEpoch: _ => calls++);
            afterEpochCalls = calls;
            return results.Select((r, i) => (r, built[i].Student.WeightArrays())).ToArray();
        }
        finally
        {
            foreach (var (student, data) in built)
            {
                student.Dispose();
                data.Dispose();
            }
        }
    }

    /// <summary>
    /// A shared-input stack draws its batches once for all its trials (they share the batch seed), so its
    /// kernel takes one index tensor; a stack of independent trials one per trial. Any other count is
    /// refused with the counts named, before anything is loaded.
    /// </summary>
    [Test]
    public void AKernelTakesOneIndexTensorPerTrial_OrOneForAStackSharingInputs()
    {
        using var scope = NewDisposeScope();
        using var a = Pair.Build(d: 6, teacherWidths: [3], multi: 2, samples: 32, seed: 1);
        using var b = Pair.Build(d: 6, teacherWidths: [3], multi: 2, samples: 32, seed: 1);
        var options = new SgdOptions { Epochs = 1, ItersPerEpoch = 4, BatchSize = 8 };
        Trial[] trials = [new(a.Student, a.Data, options, 5), new(b.Student, b.Data, options, 5)];
        Tensor Indices() => randint(0, 32, [4, 8], dtype: ScalarType.Int64);

        using (var shared = StepKernel.Create(trials, sharedInputs: true))
        {
            Should.Throw<ArgumentException>(() => shared.Load([Indices(), Indices()])).Message.ShouldContain("one index tensor for all its trials; 2 were given");
            shared.SetRates([0.01, 0.01]);
            shared.Load([Indices()]);
            shared.Step().Length.ShouldBe(2, "one loss per trial after a load of one index tensor");
        }
        using (var separate = StepKernel.Create(trials))
        {
            Should.Throw<ArgumentException>(() => separate.Load([Indices()])).Message.ShouldContain("1 index tensors were given for 2 active trials");
            separate.SetRates([0.01, 0.01]);
            separate.Load([Indices(), Indices()]);
            separate.Step().Length.ShouldBe(2);
        }
    }

    [Test]
    public void OneStudentInTwoTrials_IsRejectedWithAMessage()
    {
        using var a = Pair.Build(d: 6, teacherWidths: [3], multi: 2, samples: 32, seed: 1);
        var options = new SgdOptions { Epochs = 1, ItersPerEpoch = 5 };
        var error = Should.Throw<ArgumentException>(() =>
            SgdTrainer.Train([new Trial(a.Student, a.Data, options, 1), new Trial(a.Student, a.Data, options, 2)]));
        error.Message.ShouldContain("same student object");
    }

    static (TrainingResult Result, double[][,] Weights) RunAlone(Shape shape, Recipe recipe)
    {
        using var scope = NewDisposeScope();
        using var pair = Build(shape, recipe);
        var result = SgdTrainer.Train(pair.Student, pair.Data, Options(shape, recipe), BatchSeed(recipe));
        return (result, pair.Student.WeightArrays());
    }

    static (TrainingResult Result, double[][,] Weights)[] RunBatched(Shape shape, Recipe[] recipes, bool otherBatchSeed = false)
    {
        using var scope = NewDisposeScope();
        var pairs = recipes.Select(r => Build(shape, r)).ToArray();
        try
        {
            var trials = recipes.Select((r, i) =>
            {
                var data = r.SharedDataWith >= 0 ? pairs[r.SharedDataWith].Data : pairs[i].Data;
                return new Trial(pairs[i].Student, data, Options(shape, r), otherBatchSeed ? Seeds.Of(r.Seed, "other-batches") : BatchSeed(r));
            }).ToArray();
            var results = SgdTrainer.Train(trials);
            return results.Select((r, i) => (r, pairs[i].Student.WeightArrays())).ToArray();
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }
    }

    /// <summary>A recipe's pair; a recipe that shares data trains on the data of the recipe it names (rebuilt from that recipe's seed).</summary>
    static Pair Build(Shape shape, Recipe recipe)
    {
        var pair = Pair.Build(shape.D, shape.TeacherWidths, shape.Multi, shape.Samples, recipe.Seed, shape.Activation, outputs: 4, initStd: recipe.InitStd);
        if (recipe.SharedDataWith < 0) return pair;
        using var owner = Pair.Build(shape.D, shape.TeacherWidths, shape.Multi, shape.Samples, Mixed[recipe.SharedDataWith].Seed, shape.Activation, outputs: 4);
        pair.Data.Dispose();
        return pair with { Data = Dataset.Label(owner.Teacher, owner.Data.Inputs) };
    }

    static long BatchSeed(Recipe r) => Seeds.Of(r.Seed, "batches");

    static SgdOptions Options(Shape shape, Recipe r) => new()
    {
        LearningRate = r.LearningRate, BatchSize = shape.BatchSize, Epochs = r.Epochs, ItersPerEpoch = 70, GradientTarget = r.GradientTarget,
    };

    /// <summary>Every way the batched run differs from the solo run, in words; empty when they agree.</summary>
    static List<string> Differences((TrainingResult Result, double[][,] Weights) alone, (TrainingResult Result, double[][,] Weights) batched)
    {
        var (a, b) = (alone.Result, batched.Result);
        var found = new List<string>();
        if (a.Outcome != b.Outcome) found.Add($"outcome {b.Outcome}, alone {a.Outcome}");
        if (a.Steps != b.Steps) found.Add($"steps {b.Steps}, alone {a.Steps}");
        if (a.EpochsRun != b.EpochsRun) found.Add($"epochs {b.EpochsRun}, alone {a.EpochsRun}");
        if (a.DivergedAtStep != b.DivergedAtStep) found.Add($"diverged at step {b.DivergedAtStep}, alone {a.DivergedAtStep}");
        Close("last finite loss", a.LastFiniteLoss ?? 0, b.LastFiniteLoss ?? 0);
        if (a.History.Count != b.History.Count) found.Add($"{b.History.Count} epoch records, alone {a.History.Count}");
        else
            for (var e = 0; e < a.History.Count; e++)
            {
                Close($"epoch {e + 1} loss", a.History[e].TrainLoss, b.History[e].TrainLoss);
                Close($"epoch {e + 1} max gradient", a.History[e].MaxSampleGradient, b.History[e].MaxSampleGradient);
                if (a.History[e].Steps != b.History[e].Steps) found.Add($"epoch {e + 1} steps {b.History[e].Steps}, alone {a.History[e].Steps}");
            }
        if (a.Outcome != TrainingOutcome.Diverged)
            for (var l = 0; l < alone.Weights.Length; l++)
                Close($"layer {l + 1} weights (relative Frobenius)", 0, FrobeniusRelative(batched.Weights[l], alone.Weights[l]), absolute: true);
        return found;

        void Close(string what, double expected, double actual, bool absolute = false)
        {
            var error = absolute ? actual : Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
            if (!(error <= Tolerances.Float64Identity)) found.Add($"{what}: {actual:R} vs alone {expected:R} (error {error:G3})");
        }
    }

    static double FrobeniusRelative(double[,] actual, double[,] expected)
    {
        double diff = 0, norm = 0;
        foreach (var (x, y) in actual.Cast<double>().Zip(expected.Cast<double>()))
        {
            diff += (x - y) * (x - y);
            norm += y * y;
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-300);
    }
}
