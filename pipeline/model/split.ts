/**
 * The early-stopping split: a LATER block of the training period by date, after a gap, never
 * shuffled rows. A random split of pooled daily data puts the same days (and, through
 * overlapping indicator windows, the same information) on both sides and flatters every epoch.
 */

interface DateSplit {
  /** row indices of the fitting block, ascending */
  train: Int32Array;
  /** row indices of the early-stopping block, ascending */
  validation: Int32Array;
  firstTrainDate: string;
  lastTrainDate: string;
  /** the distinct dates dropped between the two blocks */
  gapDates: string[];
  firstValidationDate: string;
}

/** Splits rows by date: earliest dates train, a gap is dropped, the latest dates validate. */
export function splitByDate(
  dates: readonly string[],
  validationFraction: number,
  gapDays: number,
): DateSplit {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be in (0, 1), got ${validationFraction}`);
  }
  const distinct = [...new Set(dates)].sort();
  const validationCount = Math.max(1, Math.round(distinct.length * validationFraction));
  const trainCount = distinct.length - validationCount - gapDays;
  if (trainCount < 1) {
    throw new Error(
      `${distinct.length} distinct date(s) cannot hold ${validationCount} validation and ` +
        `${gapDays} gap date(s) and still leave training dates`,
    );
  }
  const lastTrain = distinct[trainCount - 1]!;
  const firstValidation = distinct[trainCount + gapDays]!;
  const train: number[] = [];
  const validation: number[] = [];
  dates.forEach((d, i) => {
    if (d <= lastTrain) train.push(i);
    else if (d >= firstValidation) validation.push(i);
  });
  return {
    train: Int32Array.from(train),
    validation: Int32Array.from(validation),
    firstTrainDate: distinct[0]!,
    lastTrainDate: lastTrain,
    gapDates: distinct.slice(trainCount, trainCount + gapDays),
    firstValidationDate: firstValidation,
  };
}
