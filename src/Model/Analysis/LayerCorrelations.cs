namespace Verify.Model.Analysis;

/// <summary>
/// Specialization at every layer of a deep network, read on activations (weight vectors share a
/// space only at the lowest layer): per hidden layer, each teacher node's best Pearson correlation
/// with a student node of the same layer over the same inputs, max_k rho_jk (the authors'
/// StatsCorr on the post-ReLU activations "hs", reduced by utils_corrs' max over students).
/// </summary>
public static class LayerCorrelations
{
    /// <summary>
    /// teacher[l]: (N, m_l), student[l]: (N, n_l), lowest layer first, one entry per hidden layer ->
    /// [l][j] = max_k rho_jk at layer l (a constant node correlates 0, <see cref="Correlation.Pearson"/>).
    /// </summary>
    public static double[][] BestPerTeacherNode(IReadOnlyList<TorchSharp.torch.Tensor> teacher, IReadOnlyList<TorchSharp.torch.Tensor> student)
    {
        if (teacher.Count != student.Count)
            throw new ArgumentException($"Teacher and student must have the same number of hidden layers; got {teacher.Count} and {student.Count}.");
        return teacher.Select((t, l) =>
        {
            var rho = Correlation.Pearson(t, student[l]);
            return Enumerable.Range(0, rho.GetLength(0)).Select(j => Enumerable.Range(0, rho.GetLength(1)).Max(k => rho[j, k])).ToArray();
        }).ToArray();
    }
}
