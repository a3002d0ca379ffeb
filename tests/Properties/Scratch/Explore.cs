using NUnit.Framework;
using Verify.Model.Claims;
using Verify.Model.Networks;
using Verify.Properties.Claims;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Scratch;

[TestFixture, Explicit]
public sealed class Explore
{
    [Test]
    public void Later()
    {
        using var scope = NewDisposeScope();
        foreach (var target in new[] { 1e-3, 3e-4 })
        {
            using var p = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 2, decay: 0.5, outputs: 5), 2, 200, CaseStreams.Pinned(650084, 650085, 650086, 650087), ClaimBuilders.FullBatch(epochs: 400, target: target));
            TestContext.Out.WriteLine($"AT {target}: " + LowestLayerSpecializationClaim.Judge(p.Evidence(), TheoremChecks.Specialization));
            using var q = new SmallProblem(6, [3], 0, 0.5, 2, 200, 4522145256616746521).Train(ClaimBuilders.FullBatch(epochs: 400, target: target));
            TestContext.Out.WriteLine($"AT {target}: " + LowestLayerSpecializationClaim.Judge(q.Evidence(), TheoremChecks.Specialization));
        }
    }

    [Test]
    public void Node0()
    {
        using var scope = NewDisposeScope();
        using var p = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 2, decay: 0.5, outputs: 5), 2, 200, CaseStreams.Pinned(650084, 650085, 650086, 650087), ClaimBuilders.FullBatch(epochs: 100));
        using var t = p.Student.Trace(p.Data.Inputs);
        var pre = RectifiedNetwork.ToArray(t.PreActivations[0].to(ScalarType.Float64, CPU));
        for (var k = 0; k < pre.GetLength(1); k++)
        {
            var col = Enumerable.Range(0, pre.GetLength(0)).Select(i => pre[i, k]).ToArray();
            TestContext.Out.WriteLine($"node {k}: active {col.Count(u => u > 0)} of {col.Length}; min {col.Min():G3} max {col.Max():G3}");
        }
    }
}
