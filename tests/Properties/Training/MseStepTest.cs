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
/// The authors' objective is PyTorch's MSELoss, the mean over samples and outputs of the squared
/// error; the suite's step descends 1/2 sum over outputs, mean over the batch. With the rate
/// converted by <see cref="MseRate"/> (factor 2 / c), one step of <see cref="PassTrainer"/> is the
/// step W - eta grad MSELoss computed by autograd, and an epoch is one shuffled pass whose last batch
/// is the N mod B samples left, a step on their own mean. Negative control: the authors' rate
/// unconverted moves the weights c / 2 times too far.
/// </summary>
[TestFixture]
public sealed class MseStepTest
{
    const int Outputs = 5;
    const double AuthorsRate = 0.2;

    [TestCase(1L)]
    [TestCase(2L)]
    public void OneStepOfOurs_IsOneStepOnTheirMeanSquaredError(long seed)
    {
        using var scope = NewDisposeScope();
        var (teacher, student, data) = Build(seed, samples: 6);
        using var _ = teacher;
        using var __ = data;
        var expected = ByHand(student, data, [Scalars.Range(6)], AuthorsRate);
        using var control = student.Clone();

        PassTrainer.Train(student, data, Options(batch: 6, MseRate.ToStep(AuthorsRate, Outputs)), seed);
        PassTrainer.Train(control, data, Options(batch: 6, AuthorsRate), seed);

        for (var l = 0; l < expected.Length; l++)
        {
            Numerics.RelativeError(student.Weights[l], expected[l]).ShouldBeLessThan(Tolerances.Float64Identity, $"layer {l + 1}, seed {seed}");
            Numerics.RelativeError(control.Weights[l], expected[l]).ShouldBeGreaterThan(1e3 * Tolerances.Float64Identity, $"layer {l + 1}, seed {seed}: the unconverted rate");
        }
        student.Dispose();
    }

    /// <summary>N = 5, B = 3: the pass is the permutation's first three samples, then its last two, each a step on its own batch's mean.</summary>
    [TestCase(1L)]
    [TestCase(2L)]
    public void APassEndsWithTheSamplesLeft_AsAStepOnTheirOwnMean(long seed)
    {
        using var scope = NewDisposeScope();
        var (teacher, student, data) = Build(seed, samples: 5);
        using var _ = teacher;
        using var __ = data;
        Tensor order;
        using (var passes = new ShuffledPasses(seed, 5, 3))
            order = passes.NextEpoch();
        var expected = ByHand(student, data, [order.narrow(0, 0, 3), order.narrow(0, 3, 2)], AuthorsRate);

        var result = PassTrainer.Train(student, data, Options(batch: 3, MseRate.ToStep(AuthorsRate, Outputs)), seed);

        result.Steps.ShouldBe(2L, "one batch of 3 and one of the 2 left");
        for (var l = 0; l < expected.Length; l++)
            Numerics.RelativeError(student.Weights[l], expected[l]).ShouldBeLessThan(Tolerances.Float64Identity, $"layer {l + 1}, seed {seed}");
        student.Dispose();
    }

    [Test]
    public void EveryEpoch_IsAFreshPermutationOfTheTrainingSet()
    {
        using var passes = new ShuffledPasses(7, 50, 8);
        using var first = passes.NextEpoch();
        using var second = passes.NextEpoch();
        var (a, b) = (first.data<long>().ToArray(), second.data<long>().ToArray());

        a.Order().ShouldBe(Enumerable.Range(0, 50).Select(i => (long)i), "every sample once");
        b.Order().ShouldBe(Enumerable.Range(0, 50).Select(i => (long)i), "every sample once");
        a.ShouldNotBe(b, "each epoch its own order");
        (passes.FullBatches, passes.Tail, passes.StepsPerEpoch).ShouldBe((6, 2, 7));
    }

    [Test]
    public void TheFactor_IsTwoOverTheOutputs() => MseRate.ToStep(0.2, 100).ShouldBe(0.004, 1e-18);

    static PassOptions Options(int batch, double rate) => new() { Batch = batch, Epochs = 1, Schedule = [(0, rate)] };

    static (RectifiedNetwork Teacher, RectifiedNetwork Student, Dataset Data) Build(long seed, int samples)
    {
        using var tuning = Inputs.Gaussian(64, 3, Seeds.Of(seed, "tuning"));
        using var x = Inputs.Gaussian(samples, 3, Seeds.Of(seed, "inputs"));
        var teacher = AuthorsTeacher.Build(new AuthorsTeacherSpec(3, [4, 3], Outputs), Seeds.Of(seed, "teacher"), tuning);
        return (teacher, Student.PyTorchDefault(teacher, 2, Seeds.Of(seed, "student")), Dataset.Label(teacher, x));
    }

    /// <summary>The weights after SGD steps of rate <paramref name="rate"/> on MSELoss (mean over the batch's samples and outputs), by autograd, one step per batch of rows.</summary>
    static Tensor[] ByHand(RectifiedNetwork student, Dataset data, Tensor[] batches, double rate)
    {
        var w = student.Weights.Select(t => t.detach().clone()).ToArray();
        foreach (var rows in batches)
        {
            var leaves = w.Select(t => t.detach().clone().requires_grad_()).ToArray();
            var h = data.Inputs.index_select(0, rows);
            for (var l = 0; l < leaves.Length - 1; l++) h = Activation.Relu.Apply(RectifiedNetwork.Augment(h).mm(leaves[l]));
            var output = RectifiedNetwork.Augment(h).mm(leaves[^1]);
            var mse = (data.Targets.index_select(0, rows) - output).Squared().mean();
            var grads = torch.autograd.grad([mse], leaves);
            w = leaves.Zip(grads).Select(p => p.First.detach() - p.Second.Times(rate)).ToArray();
        }
        return w;
    }
}
