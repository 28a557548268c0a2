/** The return address of GetShippingLabel (reference §1.2; lower-camel names as in the model). */
export interface LabelAddress {
  name?: string;
  company?: string;
  phoneNumber?: string;
  country?: string;
  stateOrProvince?: string;
  city?: string;
  postalCode?: string;
  street1?: string;
  street2?: string;
  street3?: string;
}

export interface LabelRequest {
  /** The authenticated caller's access key ID. */
  caller: string;
  /** Job IDs as given (case-insensitive); one label may cover several jobs. */
  jobIds: string[];
  address: LabelAddress;
}

export interface IssuedLabel {
  /** Where the PDF can be fetched: a signed URL that expires, valid only for this label. */
  url: string;
  /** A non-fatal note for the GetShippingLabel `Warning` member, or null. */
  warning: string | null;
}

/**
 * Shipping labels, as the query API's GetShippingLabel uses them. Errors are CatalogErrors:
 * InvalidJobIdException, ExpiredJobIdException, CanceledJobIdException, InvalidAddressException,
 * InvalidParameterException, MissingParameterException.
 */
export interface ShippingLabels {
  /** Checks the jobs and address, records the label, and returns its signed URL under `baseUrl`. */
  issue(request: LabelRequest, baseUrl: string): Promise<IssuedLabel>;
}
