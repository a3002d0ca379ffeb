using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// When trials retire, both layouts of the step keep their buffers: the trials that go on keep
/// stepping in the memory the kernel allocated at its start, copied down into the places of the
/// trials before them, with the weights they had. <c>BatchedTrainingTest</c> shows that every trial
/// then ends as it would alone; this shows that no layout was built again to get there.
/// </summary>
[TestFixture]
public sealed class RetireTest
{
    [TestCase(false)]
    [TestCase(true)]
    public void RetiringATrial_KeepsTheBuffers_AndTheWeightsOfTheOthers(bool sharedInputs)
    {
        using var scope = NewDisposeScope();
        if (HostMemory.Unavailable is { } why) Assert.Ignore($"No host pointers in this process: {why}");
        // A stack needs one shape; a shared-input kernel takes several (multis 2, 3, 2: two parts) on one dataset.
        int[] multis = sharedInputs ? [2, 3, 2] : [2, 2, 2];
        var pairs = multis.Select((multi, i) => Pair.Build(d: 6, teacherWidths: [3, 2], multi: multi, samples: 32, seed: 1 + i)).ToArray();
        var options = new SgdOptions { Epochs = 1, ItersPerEpoch = 4, BatchSize = 8 };
        var trials = pairs.Select(p => new Trial(p.Student, sharedInputs ? pairs[0].Data : p.Data, options, 5)).ToArray();
        using var kernel = StepKernel.Create(trials, sharedInputs);
        kernel.SetRates([0.01, 0.01, 0.01]);
        kernel.Load(sharedInputs ? [randint(0, 32, [4, 8])] : [.. Enumerable.Range(0, 3).Select(_ => randint(0, 32, [4, 8]))]);
        kernel.Step();
        var before = Enumerable.Range(0, 3).Select(kernel.WeightsOf).ToArray();
        var places = before.SelectMany(w => w.Select(HostMemory.Address)).ToHashSet();
        var kept = new[] { 1, 2 }.Select(i => before[i].Select(w => w.clone()).ToArray()).ToArray();

        kernel.Retire([0]);

        for (var k = 0; k < 2; k++)
        {
            var after = kernel.WeightsOf(k + 1);
            for (var l = 0; l < after.Length; l++)
            {
                places.ShouldContain(HostMemory.Address(after[l]), $"trial {k + 1}, layer {l}: its weights must lie where a trial's lay before (no new buffer)");
                after[l].equal(kept[k][l]).all().item<bool>().ShouldBeTrue($"trial {k + 1}, layer {l}: its weights must be those it had");
            }
        }
        kernel.Step().Length.ShouldBe(2, "the two trials that go on step");
        foreach (var p in pairs) p.Dispose();
    }
}
