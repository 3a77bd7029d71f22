// Training: one class's precision, recall and F1, as Metrics.PerClass reports them.

namespace ModelGen
{
    /// <summary>The precision, recall and F1 score of one class, and how many rows belong to it.</summary>
    /// <param name="Class">The class index.</param>
    /// <param name="Precision">Of the rows predicted as this class, the fraction that are.</param>
    /// <param name="Recall">Of the rows of this class, the fraction predicted as it.</param>
    /// <param name="F1">The harmonic mean of precision and recall.</param>
    /// <param name="Support">The number of rows of this class.</param>
    public sealed record ClassScores(int Class, double Precision, double Recall, double F1, long Support);
}
